import Foundation
import Model
import Store
import Testing

/// A suite's first build that cannot pass, through the real binary and real pytest: fourteen
/// tests fail of one cause (`NameError`), and a test that fails its first run only, with a
/// cause of its own, fails after the build is lost. The break's tests past the first ten get no
/// retries; the odd one keeps its and is counted passed, as serial pytest would most likely
/// count it (`BuildState.sharesCause`).
@Suite(.serialized) struct FirstBuildBreakTests {
    let directory = Testfleet.temporaryDirectory()

    func writeProject() throws {
        let tests = directory + "/project/tests"
        try FileManager.default.createDirectory(atPath: tests, withIntermediateDirectories: true)
        try (0..<14).map { "def test_broken_\($0)():\n    undefined_name\n" }.joined(separator: "\n")
            .write(toFile: tests + "/test_break.py", atomically: true, encoding: .utf8)
        // Sleeps first, so it fails well after the first broken test failed its confirmation
        // runs and the build was lost.
        try """
            import os
            import time


            def test_late_flaky():
                time.sleep(4)
                mark = os.environ["FLAKY_MARK"]
                if not os.path.exists(mark):
                    open(mark, "w").close()
                    assert False, "fails its first run only"

            """.write(toFile: tests + "/test_late.py", atomically: true, encoding: .utf8)
        try """
            [[suite]]
            name = "break"
            adapter = "pytest"
            dir = "\(directory)/project"
            command = "python3 -m pytest -p no:cacheprovider"
            timeout_s = 120
            env = { PYTHONDONTWRITEBYTECODE = "1", PYTEST_DISABLE_PLUGIN_AUTOLOAD = "1", FLAKY_MARK = "\(directory)/flaky.mark" }
            """.write(toFile: directory + "/suite.toml", atomically: true, encoding: .utf8)
    }

    @Test func aFailureUnlikeTheBreaksKeepsItsRetriesInALostFirstBuild() throws {
        try writeProject()
        let run = try Testfleet.run(["run", "--local", "2", "--suite", "suite.toml", "--db", "d.db", "--build", "b0", "--quiet"],
                                    in: directory, timeout: 300)
        #expect(run.code == 1, "fourteen broken tests fail the gate: \(run.stderr)")
        var attempts: [String: [Outcome]] = [:]
        for result in try Store(path: directory + "/d.db").results(build: "b0").sorted(by: { $0.attempt < $1.attempt }) {
            attempts[result.test, default: []].append(result.outcome)
        }
        let flaky = attempts["tests/test_late.py::test_late_flaky"] ?? []
        #expect(flaky.first == .failed && flaky.last == .passed, "\(flaky)")
        let broken = attempts.filter { $0.key.hasPrefix("tests/test_break.py::") }
        #expect(broken.count == 14 && broken.values.allSatisfy { !$0.contains(.passed) })
        // The first ten failing get their retries; those past them, failing once the build
        // was lost, none (which ones: the order their first attempts reported in).
        #expect(broken.values.filter { $0.count > 1 }.count >= 10, "\(broken)")
        #expect(broken.values.contains { $0.count == 1 }, "\(broken)")
    }
}
