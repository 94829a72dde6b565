import Foundation
import Testing
import Model
import Store

/// Confirmation runs through the real binary: a test that fails all its retries runs up to
/// `--confirm-runs` more times, all at once, and its first pass ends it (a pass on retry);
/// every run is stored, no more than `--confirm-limit` tests of a build get them, and none once
/// the build cannot pass.
@Suite(.serialized) struct ConfirmationRunTests {
    let directory = Testfleet.temporaryDirectory()

    /// While the file `flaky` exists `burst`, `brokenA` and `brokenB` fail their first run and
    /// pass the later ones (a flaky record). Without it `burst` fails its first three runs, then
    /// passes (each run leaves a file and counts them: runs side by side count each other, never
    /// fewer than ran before); `brokenA`/`brokenB` always fail; `slowBroken` (only with `slow`)
    /// fails after a second.
    func writeSuite(slow: Bool = false) throws {
        func flakyOr(_ name: String, _ otherwise: String) -> String {
            "if [ -f flaky ]; then [ -f \(name).flipped ] || { touch \(name).flipped; false; }; else \(otherwise); fi"
        }
        let text = """
            [[suite]]
            name = "confirm"
            adapter = "shell"
            timeout_s = 60
            [suite.tests]
            ok = "true"
            burst = "\(flakyOr("burst", "touch burst.run.$$; [ $(ls burst.run.* | wc -l) -gt 3 ]"))"
            brokenA = "\(flakyOr("brokenA", "false"))"
            brokenB = "\(flakyOr("brokenB", "false"))"

            """ + (slow ? "slowBroken = \"sleep 1; false\"\n" : "")
        try text.write(toFile: directory + "/suite.toml", atomically: true, encoding: .utf8)
    }

    /// Runs build `build` of the suite with `options`; it must fail the gate (tests that never
    /// pass), unless `flaky`. Returns each test's outcomes in attempt order.
    func run(_ build: String, _ options: [String], slow: Bool = false, flaky: Bool = false, code: Int32? = nil) throws
        -> [String: [Outcome]]
    {
        try writeSuite(slow: slow)
        if flaky {
            try "".write(toFile: directory + "/flaky", atomically: true, encoding: .utf8)
        } else {
            try? FileManager.default.removeItem(atPath: directory + "/flaky")
        }
        let run = try Testfleet.run(["run", "--local", "2", "--suite", "suite.toml", "--db", "d.db", "--build", build, "--quiet"]
                                    + options, in: directory, timeout: 180)
        #expect(run.code == code ?? (flaky ? 0 : 1), "tests that never pass fail the gate: \(run.stderr)")
        var byTest: [String: [(Int, Outcome)]] = [:]
        for result in try Store(path: directory + "/d.db").results(build: build) {
            byTest[result.test, default: []].append((result.attempt, result.outcome))
        }
        return byTest.mapValues { $0.sorted { $0.0 < $1.0 }.map(\.1) }
    }

    @Test func aTestFailingAllRetriesGetsConfirmationRunsUntilItPasses() throws {
        // The failing tests failed and passed on retry before (a flaky record): a failure of
        // each could be flakiness the gate may excuse, so the build could pass until the end and
        // every one gets its confirmation runs.
        // One retry, so each record is exactly F, P. With two, both go out together and a record
        // is F, P or F, P, P by timing; with F, P, P on all three tests six failures are more than
        // the record explains (P(real) above the cover limit), so the second build's verdict
        // depended on the machine's load.
        let before = try run("b0", ["--retries", "1"], flaky: true)
        for test in ["brokenA", "brokenB"] {
            #expect(before[test] == [.failed, .passed], "\(before)")
        }
        // (Their flaky record also lets the gate excuse them here: the build passes.)
        let byTest = try run("b1", ["--retries", "2", "--confirm-runs", "3", "--json", "b1.json"], code: 0)
        #expect(byTest["ok"] == [.passed])
        // burst: 3 failed attempts (its two retries side by side), then confirmation runs 4-6
        // side by side; those that started before the first pass was stored ran (and are
        // stored), at least one of them passed.
        let burst = try #require(byTest["burst"])
        #expect(Array(burst.prefix(3)) == [.failed, .failed, .failed])
        #expect((4...6).contains(burst.count) && burst.dropFirst(3).contains(.passed), "\(burst)")
        #expect(byTest["brokenA"] == Array(repeating: .failed, count: 6))
        #expect(byTest["brokenB"] == Array(repeating: .failed, count: 6))
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/b1.json"))
        let verdict = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(verdict["passed_on_retry"] as? [String] == ["burst"])
        let failures = try #require(verdict["failures"] as? [[String: Any]])
        #expect(Set(failures.compactMap { $0["test"] as? String }) == ["brokenA", "brokenB"])
    }

    /// `brokenA` and `brokenB` never passed: once one of them failed every confirmation run the
    /// build cannot pass (the gate cannot excuse it), so the other tests get no more
    /// confirmation runs. `slowBroken` still gets its ordinary retries, on the other worker.
    @Test func aTestThatNeverPassedFailingEveryConfirmationRunEndsTheOthers() throws {
        let byTest = try run("b3", ["--retries", "2", "--confirm-runs", "3"], slow: true)
        #expect(byTest["ok"] == [.passed])
        let broken = ["brokenA", "brokenB"].compactMap { byTest[$0] }
        #expect(broken.count == 2 && broken.allSatisfy { $0.allSatisfy { $0 == .failed } })
        #expect(broken.contains { $0.count == 6 }, "one of them was confirmed broken: \(byTest)")
        // Three attempts a second each: its confirmation runs would start after the cut.
        #expect(byTest["slowBroken"] == [.failed, .failed, .failed], "\(byTest)")
        let store = try Store(path: directory + "/d.db")
        let workers = Set(try store.results(build: "b3").filter { $0.test == "slowBroken" }.map(\.worker))
        #expect(workers.count == 2, "its retries went to the other worker: \(workers)")
    }

    @Test func atMostConfirmLimitTestsOfABuildGetConfirmationRuns() throws {
        let byTest = try run("b2", ["--retries", "1", "--confirm-runs", "2", "--confirm-limit", "1"])
        // Three tests fail both attempts; whichever got there first ran twice more, the others stopped.
        let failing = ["burst", "brokenA", "brokenB"].map { byTest[$0]?.count ?? 0 }.sorted()
        #expect(failing == [2, 2, 4], "\(byTest)")
    }

    @Test func noRetriesMeansNoConfirmationRunsEither() throws {
        let byTest = try run("b0", ["--retries", "0"])
        #expect(byTest.values.allSatisfy { $0.count == 1 }, "\(byTest)")
        #expect(byTest["burst"] == [.failed])
    }
}
