import Foundation
import Testing
import Model
import Store

/// Confirmation runs through the real binary: a test that fails all its retries runs up to
/// `--confirm-runs` more times, all at once, and its first pass ends it (a pass on retry);
/// every run is stored, and no more than `--confirm-limit` tests of a build get them.
@Suite(.serialized) struct ConfirmationRunTests {
    let directory = Testfleet.temporaryDirectory()

    /// `burst` fails its first three runs (a counter file), then passes; `brokenA`/`brokenB` always fail.
    func writeSuite() throws {
        let text = """
            [[suite]]
            name = "confirm"
            adapter = "shell"
            timeout_s = 60
            [suite.tests]
            ok = "true"
            burst = "n=$(cat burst.count 2>/dev/null || echo 0); echo $((n + 1)) > burst.count; [ $n -ge 3 ]"
            brokenA = "false"
            brokenB = "false"

            """
        try text.write(toFile: directory + "/suite.toml", atomically: true, encoding: .utf8)
    }

    /// Runs build `build` of the suite with `options`; it must fail the gate (two tests never
    /// pass). Returns each test's outcomes in attempt order.
    func run(_ build: String, _ options: [String]) throws -> [String: [Outcome]] {
        try writeSuite()
        let run = try Testfleet.run(["run", "--local", "2", "--suite", "suite.toml", "--db", "d.db", "--build", build, "--quiet"]
                                    + options, in: directory, timeout: 180)
        #expect(run.code == 1, "two tests never pass: \(run.stderr)")
        var byTest: [String: [(Int, Outcome)]] = [:]
        for result in try Store(path: directory + "/d.db").results(build: build) {
            byTest[result.test, default: []].append((result.attempt, result.outcome))
        }
        return byTest.mapValues { $0.sorted { $0.0 < $1.0 }.map(\.1) }
    }

    @Test func aTestFailingAllRetriesGetsConfirmationRunsUntilItPasses() throws {
        let byTest = try run("b1", ["--retries", "2", "--confirm-runs", "3", "--json", "b1.json"])
        #expect(byTest["ok"] == [.passed])
        // burst: 3 failed attempts, then confirmation runs 4-6 side by side; those that started
        // before the first pass was stored ran (and are stored), at least one of them passed.
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
