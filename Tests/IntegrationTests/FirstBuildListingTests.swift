import Foundation
import Model
import Store
import Testing

/// A first build's test list through the real binary when the workers' warm sessions cannot
/// give it: the run collects the suite itself, says so, and the build has every test.
@Suite(.serialized) struct FirstBuildListingTests {
    let directory = Testfleet.temporaryDirectory()

    @Test func aSessionThatCannotStartLeavesTheListingToTheRunWhichCollectsAndSaysSo() throws {
        let fixture = Testfleet.fixture("pytest")
        // Every pytest start is logged; one that loads the warm plugin fails as an old pytest would.
        try """
            [[suite]]
            name = "outcomes"
            adapter = "pytest"
            dir = "\(fixture)"
            command = "sh -c 'echo \\"$*\\" >> \\"\(directory)/starts\\"; case \\"$*\\" in *testfleet_warm*) echo no warm plugin here >&2; exit 4;; esac; exec python3 -m pytest \\"$@\\"' pytest"
            timeout_s = 60
            env = { PYTHONDONTWRITEBYTECODE = "1", PYTEST_DISABLE_PLUGIN_AUTOLOAD = "1" }
            """.write(toFile: directory + "/testfleet.toml", atomically: true, encoding: .utf8)
        let run = try Testfleet.run(["run", "--local", "1", "--retries", "0", "--confirm-runs", "0", "--suite", "testfleet.toml",
                                     "--db", "d.db", "--build", "b"], in: directory, timeout: 300,
                                    environment: ["TESTFLEET_WARM": "1", "TESTFLEET_CACHE": directory + "/cache"])
        #expect(run.code == 1, "the fixture's failing tests fail the gate: \(run.stderr)")
        #expect(run.stderr.contains("did not list its tests") && run.stderr.contains("could not start"), "\(run.stderr)")
        let starts = (try String(contentsOfFile: directory + "/starts", encoding: .utf8)).split(separator: "\n")
        #expect(starts.filter { $0.contains("testfleet_warm") }.count == 1, "the session, refused once: \(starts)")
        #expect(starts.filter { $0.contains("--collect-only") }.count == 1, "the run's own collection: \(starts)")

        let store = try Store(path: directory + "/d.db")
        var outcomes: [String: Outcome] = [:]
        for result in try store.results(build: "b") { outcomes[result.test] = result.outcome }
        #expect(outcomes["tests/test_outcomes.py::test_passes"] == .passed)
        #expect(outcomes["tests/test_outcomes.py::test_fails"] == .failed)
        #expect(outcomes["tests/test_collection_error.py"] == .error, "\(outcomes.keys.sorted())")
    }

    /// Three pytest suites in one build: the third gets no warm session before the first grant,
    /// so the run lists it itself at once; and no grant mixes suites (an assign carries one
    /// suite's directory: a mixed one ran the others' tests where they are not, and their first
    /// attempts failed).
    @Test func threePytestSuitesInOneBuildEachRunInTheirOwnDirectoryWithoutWaiting() throws {
        for name in ["a", "b", "c"] {
            try FileManager.default.createDirectory(atPath: directory + "/p" + name, withIntermediateDirectories: true)
            try "def test_one():\n    pass\n\ndef test_two():\n    pass\n"
                .write(toFile: directory + "/p\(name)/test_\(name).py", atomically: true, encoding: .utf8)
        }
        let suites = ["a", "b", "c"].map { name in
            """
            [[suite]]
            name = "\(name)"
            adapter = "pytest"
            dir = "p\(name)"
            command = "python3 -m pytest -p no:cacheprovider"
            timeout_s = 30
            env = { PYTHONDONTWRITEBYTECODE = "1", PYTEST_DISABLE_PLUGIN_AUTOLOAD = "1" }
            """
        }
        try suites.joined(separator: "\n").write(toFile: directory + "/testfleet.toml", atomically: true, encoding: .utf8)
        let started = Date()
        let run = try Testfleet.run(["run", "--local", "1", "--suite", "testfleet.toml", "--db", "d.db", "--build", "b"],
                                    in: directory, timeout: 300, environment: ["TESTFLEET_CACHE": directory + "/cache"])
        #expect(run.code == 0, "\(run.stderr)")
        #expect(Date().timeIntervalSince(started) < 30, "no wait for a listing that never comes")
        #expect(run.stderr.contains("suite 'c'") && run.stderr.contains("first two"), "\(run.stderr)")
        #expect(!run.stderr.contains("suite 'a'") && !run.stderr.contains("suite 'b'"), "\(run.stderr)")
        let results = try Store(path: directory + "/d.db").results(build: "b")
        #expect(results.count == 6 && results.allSatisfy { $0.attempt == 1 && $0.outcome == .passed },
                "every test passed its first attempt: \(results.map { "\($0.test) \($0.attempt) \($0.outcome)" })")
    }
}
