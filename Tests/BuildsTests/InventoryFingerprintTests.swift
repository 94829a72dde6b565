@testable import Builds
import Foundation
import Model
import Store
import Testing

/// `run --local` takes each pytest suite's inventory fingerprint once (to know whether its
/// workers must collect it) and planning reuses it instead of walking the suite's files again.
@Suite struct InventoryFingerprintTests {
    @Test func planningUsesAFingerprintAlreadyTakenInsteadOfWalkingAgain() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-fp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/tests", withIntermediateDirectories: true)
        try "def test_x():\n    pass\n".write(toFile: directory + "/tests/test_x.py", atomically: true, encoding: .utf8)
        let suiteFile = directory + "/testfleet.toml"
        try """
            [[suite]]
            name = "unit"
            adapter = "pytest"
            """.write(toFile: suiteFile, atomically: true, encoding: .utf8)
        let store = try Store(path: directory + "/d.db")
        var lifecycle = BuildLifecycle(store: store, refresh: nil)
        let spec = BuildSpec(id: "b", suite: suiteFile)

        let (toList, fingerprints) = lifecycle.pytestSuitesToList(spec)
        #expect(toList.map(\.name) == ["unit"], "nothing cached yet")
        let suite = try #require(toList.first)
        let key = InventoryCache.key(suite)
        #expect(fingerprints.keys.sorted() == [key])

        // A list cached under a fingerprint no walk of these files gives: planning reads it only
        // when handed that fingerprint, which shows it did not walk the files again.
        try store.cacheInventory(suiteKey: key, fingerprint: "taken-before", names: ["tests/test_x.py::from_the_cache"])
        lifecycle.handedInventory = { _ in ["tests/test_x.py::listed_again"] }
        lifecycle.inventoryFingerprints = [key: "taken-before"]
        #expect(try lifecycle.plan(spec).tests.map(\.name) == ["tests/test_x.py::from_the_cache"])
        lifecycle.inventoryFingerprints = [:]
        #expect(try lifecycle.plan(BuildSpec(id: "b2", suite: suiteFile)).tests.map(\.name) == ["tests/test_x.py::listed_again"])
    }

    /// What setuptools writes when a test builds a package in place (`*.egg-info`) does not
    /// change the fingerprint; a test file does.
    @Test func aPackagesEggInfoDoesNotChangeTheFingerprint() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-fp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/tests/data/pkg.egg-info", withIntermediateDirectories: true)
        try "def test_x():\n    pass\n".write(toFile: directory + "/tests/test_x.py", atomically: true, encoding: .utf8)
        let suite = SuiteDefinition(name: "unit", adapter: .pytest, directory: directory)
        let extensions: Set = ["py", "txt"]
        let before = InventoryCache.fingerprint(of: suite, extensions: extensions)
        try "tests/data/pkg.py\n".write(toFile: directory + "/tests/data/pkg.egg-info/SOURCES.txt", atomically: true, encoding: .utf8)
        #expect(InventoryCache.fingerprint(of: suite, extensions: extensions) == before)
        try "def test_y():\n    pass\n".write(toFile: directory + "/tests/test_y.py", atomically: true, encoding: .utf8)
        #expect(InventoryCache.fingerprint(of: suite, extensions: extensions) != before)
    }
}
