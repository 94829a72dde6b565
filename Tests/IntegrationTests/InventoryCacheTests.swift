import Foundation
import Testing
import Store

/// The pytest inventory is reused while no test file changed, and taken again when one does.
@Suite(.serialized) struct InventoryCacheTests {
    let directory = Testfleet.temporaryDirectory()

    @Test func collectionIsSkippedUntilATestFileChanges() throws {
        let project = directory + "/proj"
        try FileManager.default.createDirectory(atPath: project + "/tests", withIntermediateDirectories: true)
        try "def test_a():\n    pass\n\ndef test_b():\n    pass\n".write(toFile: project + "/tests/test_one.py", atomically: true, encoding: .utf8)
        // A wrapper that logs every collection of the whole suite, so the test can see which
        // builds collected: the run's own `--collect-only`, or a warm session asked to list it.
        let log = directory + "/collections.log"
        let wrapper = directory + "/pytest-logged"
        try """
            #!/bin/sh
            case "$*" in *--collect-only*) echo collect >> "\(log)" ;; esac
            if [ -n "$TESTFLEET_WARM_LIST" ]; then echo collect >> "\(log)"; fi
            exec python3 -m pytest "$@"
            """.write(toFile: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper, 0o755)
        try """
            [[suite]]
            name = "unit"
            adapter = "pytest"
            dir = "proj"
            command = "\(wrapper) -p no:cacheprovider"
            """.write(toFile: directory + "/testfleet.toml", atomically: true, encoding: .utf8)
        func build(_ id: String) throws -> Int {
            let run = try Testfleet.run(["run", "--local", "1", "--suite", "testfleet.toml", "--db", "d.db", "--build", id,
                                         "--quiet"], in: directory, timeout: 120)
            #expect(run.code == 0, "\(run.stderr)")
            return try Store(path: directory + "/d.db").resultCount(build: id)
        }
        func collections() -> Int {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count
        }
        #expect(try build("first") == 2)
        #expect(collections() == 1)
        #expect(try build("second") == 2)
        #expect(collections() == 1, "nothing changed: the stored test list is reused")
        try "def test_c():\n    pass\n".write(toFile: project + "/tests/test_two.py", atomically: true, encoding: .utf8)
        #expect(try build("third") == 3, "a new test file is collected")
        #expect(collections() == 2)
    }
}
