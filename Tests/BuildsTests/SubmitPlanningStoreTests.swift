@testable import Builds
import Foundation
import Model
import Testing

/// `submit` plans where the code is: its planning store keeps the suite's inventory from one
/// submit to the next, in the cache directory, as a local run's store does. Real pytest on a
/// temporary project outside any git checkout; the suite's command logs each time it is run.
@Suite struct SubmitPlanningStoreTests {
    @Test func aSecondSubmitOfUnchangedTestsListsNothingAndAChangedFileListsAgain() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-submit-plan-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/project/tests", withIntermediateDirectories: true)
        let test = directory + "/project/tests/test_x.py"
        try "def test_a():\n    pass\n".write(toFile: test, atomically: true, encoding: .utf8)
        let starts = directory + "/starts"
        let suiteFile = directory + "/project/testfleet.toml"
        try """
            [[suite]]
            name = "unit"
            adapter = "pytest"
            command = "sh -c 'echo start >> \\"\(starts)\\"; exec python3 -m pytest \\"$@\\"' pytest"
            env = { PYTHONDONTWRITEBYTECODE = "1", PYTEST_DISABLE_PLUGIN_AUTOLOAD = "1" }
            """.write(toFile: suiteFile, atomically: true, encoding: .utf8)
        let cache = directory + "/cache"
        func listings() -> Int {
            ((try? String(contentsOfFile: starts, encoding: .utf8)) ?? "").split(separator: "\n").count
        }

        let first = try BuildLifecycle.planInCheckout(BuildSpec(id: "b1", suite: suiteFile), bundled: false, cacheDirectory: cache)
        #expect(first.tests.map(\.name) == ["tests/test_x.py::test_a"])
        #expect(listings() == 1, "the first submit collects the suite")
        #expect(FileManager.default.fileExists(atPath: cache + "/submit-inventory.sqlite"))

        let second = try BuildLifecycle.planInCheckout(BuildSpec(id: "b2", suite: suiteFile), bundled: false, cacheDirectory: cache)
        #expect(second.tests.map(\.name) == first.tests.map(\.name))
        #expect(listings() == 1, "nothing changed: the list kept from the first submit")

        try "def test_a():\n    pass\n\n\ndef test_b():\n    pass\n".write(toFile: test, atomically: true, encoding: .utf8)
        let third = try BuildLifecycle.planInCheckout(BuildSpec(id: "b3", suite: suiteFile), bundled: false, cacheDirectory: cache)
        #expect(third.tests.map(\.name) == ["tests/test_x.py::test_a", "tests/test_x.py::test_b"])
        #expect(listings() == 2, "a changed test file is collected again")
    }
}
