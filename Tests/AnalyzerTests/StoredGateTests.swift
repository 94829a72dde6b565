import Foundation
import Testing
import Model
import Store
@testable import Analyzer

/// The gate on stored builds (`StoredGate`), both ways it can judge history: a full analysis
/// (small stores) and re-judging only the failing tests against the saved snapshot (big ones).
@Suite struct StoredGateTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-gate-\(UUID().uuidString)").path

    func attempt(_ test: String, _ number: Int, _ outcome: Outcome) -> TestResult {
        TestResult(test: test, attempt: number, outcome: outcome, duration: 0.1, worker: "w\(number)", arch: .x86_64)
    }

    /// Twenty stable tests plus `flaky` (fails then passes on retry) and `broken` (passes on
    /// the first `healthy` builds, then fails every attempt).
    func build(_ store: Store, _ index: Int, healthy: Int = 3) throws -> String {
        let id = "b\(index)"
        try store.createBuild(BuildSpec(id: id, suite: "unit", commit: "c\(index)", branch: "main", maxAttempts: 3), testCount: 22)
        var results = (1...20).map { attempt("ok\($0)", 1, .passed) }
        results += [attempt("flaky", 1, .failed), attempt("flaky", 2, .passed)]
        results += index < healthy ? [attempt("broken", 1, .passed)]
            : [attempt("broken", 1, .failed), attempt("broken", 2, .failed), attempt("broken", 3, .error)]
        try store.recordResults(build: id, results)
        return id
    }

    @Test(arguments: [StoredGate.fullAnalysisLimit, 0])
    func brokenBlocksFlakyDoesNotManualQuarantineCovers(fullAnalysisLimit: Int) throws {
        let store = try Store(path: directory + "/\(fullAnalysisLimit).db")
        for index in 0..<3 { _ = try build(store, index) }
        // The big-store path re-judges against the snapshot a full analysis left.
        _ = try FlakyAnalyzer.analyze(store: store)
        let healthy = try #require(try StoredGate.evaluate(store: store, build: "b2", fullAnalysisLimit: fullAnalysisLimit))
        #expect(healthy.verdict.verdict == .pass)
        #expect(healthy.verdict.passedOnRetry == ["flaky"])
        #expect(healthy.verdict.counts.total == 22 && healthy.verdict.counts.passed == 22 && healthy.verdict.counts.flaky == 1)
        #expect(healthy.slipProbability > 0 && healthy.slipProbability < 0.5)

        let failing = try build(store, 3)
        let blocked = try #require(try StoredGate.evaluate(store: store, build: failing, fullAnalysisLimit: fullAnalysisLimit))
        #expect(blocked.verdict.verdict == .fail)
        #expect(blocked.verdict.failures.map(\.test) == ["broken"])
        #expect(blocked.verdict.failures.first?.attempts == 3)
        #expect(blocked.verdict.counts.failed == 1 && blocked.verdict.counts.passed == 21)
        #expect(!blocked.outageSuspected)

        try store.quarantine(test: "broken", reason: "known, tracked")
        let covered = try #require(try StoredGate.evaluate(store: store, build: failing, fullAnalysisLimit: fullAnalysisLimit))
        #expect(covered.verdict.verdict == .pass)
        #expect(covered.verdict.quarantined == ["broken"])
        #expect(covered.verdict.failures.map(\.test) == ["broken"], "still reported")
        try store.release(test: "broken")
        #expect(try StoredGate.evaluate(store: store, build: failing, fullAnalysisLimit: fullAnalysisLimit)?.verdict.verdict == .fail)
        #expect(try StoredGate.evaluate(store: store, build: "nope") == nil)
    }

    /// Outage builds (every test failing every attempt) must not read as a test's flakiness. A
    /// full analysis finds them itself; on a big store the gate only re-judges the failing test,
    /// so it relies on the outage flag stored with each verdict. Without it `victim` — failing in
    /// two outages and passing on a retry in a third — looked flaky (provisional quarantine, 2 of
    /// 11 builds all-failed) and its real break in the last build was let through.
    @Test(arguments: [StoredGate.fullAnalysisLimit, 0])
    func pastOutagesDoNotMakeATestLookFlaky(fullAnalysisLimit: Int) throws {
        let store = try Store(path: directory + "/outage-\(fullAnalysisLimit).db")
        let tests = (1...20).map { "ok\($0)" } + ["victim"]
        let outages: Set<Int> = [2, 5, 8], last = 11
        for index in 0...last {
            let id = "o\(index)"
            try store.createBuild(BuildSpec(id: id, suite: "unit", commit: "c\(index)", branch: "main", maxAttempts: 3),
                                  testCount: tests.count)
            var results: [TestResult] = []
            for test in tests {
                if test == "victim" && index == 5 {
                    results += [attempt(test, 1, .failed), attempt(test, 2, .passed)]
                } else if outages.contains(index) || (test == "victim" && index == last) {
                    results += (1...3).map { attempt(test, $0, .failed) }
                } else {
                    results.append(attempt(test, 1, .passed))
                }
            }
            try store.recordResults(build: id, results)
            if index < last {
                let verdict = try #require(try StoredGate.evaluate(store: store, build: id, fullAnalysisLimit: fullAnalysisLimit))
                #expect(verdict.outageSuspected == outages.contains(index), "build \(index)")
                try store.finishBuild(id, verdict: verdict.verdict.verdict, outage: verdict.outageSuspected)
            }
            if index == 0 { _ = try FlakyAnalyzer.analyze(store: store) }  // leaves a snapshot
        }
        let broken = try #require(try StoredGate.evaluate(store: store, build: "o\(last)", fullAnalysisLimit: fullAnalysisLimit))
        #expect(broken.verdict.verdict == .fail)
        #expect(broken.verdict.failures.map(\.test) == ["victim"])
        #expect(broken.verdict.quarantined.isEmpty)
    }

    /// In a tiny suite whose only other test flakes at 50 %, the fitted prior makes three
    /// failures look like bad luck and the analyser quarantines a test that never passed; the
    /// gate must still block it (flakiness needs a pass somewhere).
    @Test func aTestThatNeverPassedIsNotCoveredByAutomaticQuarantine() throws {
        let store = try Store(path: directory + "/tiny.db")
        for index in 0..<2 {
            try store.createBuild(BuildSpec(id: "t\(index)", suite: "unit", commit: "c\(index)", branch: "main"), testCount: 2)
            try store.recordResults(build: "t\(index)", [
                attempt("flaky", 1, .failed), attempt("flaky", 2, .passed),
                attempt("never", 1, .failed), attempt("never", 2, .failed), attempt("never", 3, .failed),
            ])
        }
        let evaluation = try #require(try StoredGate.evaluate(store: store, build: "t1"))
        #expect(evaluation.verdict.verdict == .fail)
        #expect(evaluation.verdict.failures.map(\.test) == ["never"])
    }

    /// One attempt per build (`--retries 0`, or a JUnit file without reruns): a test that failed
    /// in the build before and fails again has never passed, so its first failure is no flaky
    /// record. Found on dateutil: three genuinely failing tests passed the gate on the second
    /// `run --retries 0`, "their history explains it better than a regression".
    @Test func failingAgainAfterAFailedFirstBuildIsNoFlakyRecord() throws {
        let store = try Store(path: directory + "/again.db")
        for index in 0..<2 {
            try store.createBuild(BuildSpec(id: "a\(index)", suite: "unit", commit: "c\(index)", branch: "main", maxAttempts: 1),
                                  testCount: 41)
            try store.recordResults(build: "a\(index)", (1...40).map { attempt("ok\($0)", 1, .passed) } + [attempt("bad", 1, .failed)])
        }
        let evaluation = try #require(try StoredGate.evaluate(store: store, build: "a1"))
        #expect(evaluation.verdict.verdict == .fail, "\(evaluation.verdict.reasons)")
        #expect(evaluation.verdict.failures.map(\.test) == ["bad"])
    }

    /// History reaches stored builds the way flaky-eval measures it (`GateInput.addHistory`), the
    /// flaky history included: with quarantine off, a test that flaked at ~50 % and then failed
    /// every attempt blocks, unless the opt-in flaky-history cover is on.
    @Test(arguments: [StoredGate.fullAnalysisLimit, 0])
    func theFlakyHistoryCoverJudgesStoredBuilds(fullAnalysisLimit: Int) throws {
        let store = try Store(path: directory + "/cover-\(fullAnalysisLimit).db")
        for index in 0..<8 {
            let id = "h\(index)"
            try store.createBuild(BuildSpec(id: id, suite: "unit", commit: "c\(index)", branch: "main", maxAttempts: 3), testCount: 21)
            var results = (1...20).map { attempt("ok\($0)", 1, .passed) }
            results += index < 7 ? [attempt("flaky", 1, .failed), attempt("flaky", 2, .passed)]
                : (1...3).map { attempt("flaky", $0, .failed) }
            try store.recordResults(build: id, results)
            if index == 6 { _ = try FlakyAnalyzer.analyze(store: store) }  // leaves a snapshot
        }
        var configuration = AnalyzerConfiguration()
        configuration.autoQuarantine = false
        configuration.provisionalQuarantine = false
        configuration.flakyHistoryCoverLimit = nil  // issue 5's first rule: every attempt failing blocks
        let blocked = try #require(try StoredGate.evaluate(store: store, build: "h7", configuration: configuration,
                                                           fullAnalysisLimit: fullAnalysisLimit))
        #expect(blocked.verdict.verdict == .fail)
        configuration.flakyHistoryCoverLimit = 0.5
        let covered = try #require(try StoredGate.evaluate(store: store, build: "h7", configuration: configuration,
                                                           fullAnalysisLimit: fullAnalysisLimit))
        #expect(covered.verdict.verdict == .pass)
        #expect(covered.verdict.reasons.contains { $0.contains("flaky history") })
    }

    /// A build is weighed against what was known before it. A test failing one attempt in four
    /// builds then fails every attempt in two builds running: counted in, the judged build's own
    /// three failures made the pair an "ongoing break" (0.2⁶ < 10⁻⁴) that blocked and lifted the
    /// quarantine; against the record before it, three failures at ~20 % are ordinary.
    @Test(arguments: [StoredGate.fullAnalysisLimit, 0])
    func aBuildIsJudgedAgainstTheHistoryBeforeIt(fullAnalysisLimit: Int) throws {
        let store = try Store(path: directory + "/before-\(fullAnalysisLimit).db")
        for index in 0..<42 {
            let id = "p\(index)"
            try store.createBuild(BuildSpec(id: id, suite: "unit", commit: "c\(index)", branch: "main", maxAttempts: 3), testCount: 21)
            var results = (1...20).map { attempt("ok\($0)", 1, .passed) }
            results += index >= 40 ? (1...3).map { attempt("bursty", $0, .failed) }
                : index % 4 == 0 ? [attempt("bursty", 1, .failed), attempt("bursty", 2, .passed)] : [attempt("bursty", 1, .passed)]
            try store.recordResults(build: id, results)
            if index == 39 { _ = try FlakyAnalyzer.analyze(store: store) }  // leaves a snapshot
        }
        for id in ["p40", "p41"] {
            let judged = try #require(try StoredGate.evaluate(store: store, build: id, fullAnalysisLimit: fullAnalysisLimit))
            #expect(judged.verdict.verdict == .pass, "\(id): \(judged.verdict.reasons)")
            #expect(judged.verdict.quarantined == ["bursty"])
            #expect(judged.slipProbability < AnalyzerConfiguration().buildCoverLimit)
        }
        // The history the gate weighed has none of the judged build's attempts.
        let history = try AttemptHistory.load(from: store)
        let before = history.leavingOut(build: "p41")
        #expect(before.builds.count == history.builds.count)
        #expect(before.records.count == history.records.count - 23)
        #expect(!before.records.contains { $0.build == 41 })
        #expect(history.leavingOut(build: "nope").records.count == history.records.count)
    }

    @Test func aPassWithSkippedTestsSaysSo() throws {
        let store = try Store(path: directory + "/skipped.db")
        try store.createBuild(BuildSpec(id: "s", suite: "unit", maxAttempts: 1), testCount: 3)
        try store.recordResults(build: "s", [attempt("a", 1, .passed), attempt("b", 1, .passed), attempt("c", 1, .skipped)])
        let verdict = try #require(try StoredGate.evaluate(store: store, build: "s")).verdict
        #expect(verdict.verdict == .pass)
        #expect(verdict.reasons == ["all 2 tests that ran passed (1 skipped)"])
    }

    @Test func missingResultsFailTheBuild() throws {
        let store = try Store(path: directory + "/missing.db")
        try store.createBuild(BuildSpec(id: "m", suite: "unit", commit: "c", branch: "main"), testCount: 3)
        try store.recordResults(build: "m", [attempt("a", 1, .passed), attempt("b", 1, .passed)])
        let evaluation = try #require(try StoredGate.evaluate(store: store, build: "m"))
        #expect(evaluation.verdict.verdict == .fail)
        #expect(evaluation.verdict.reasons.first == "1 of 3 tests have no result")
    }

    @Test func storedHistoryConvertsBuildOrderAndCommitOrder() throws {
        let store = try Store(path: directory + "/order.db")
        for (id, commit) in [("z", "c1"), ("a", "c2"), ("rerun", "c1")] {
            try store.createBuild(BuildSpec(id: id, suite: "unit", commit: commit, branch: "main"), testCount: 1)
            try store.recordResults(build: id, [attempt("x", 1, .passed)])
            try store.finishBuild(id, verdict: .pass)
        }
        let history = try AttemptHistory.load(from: store)
        #expect(history.builds.map(\.id) == ["z", "a", "rerun"])
        #expect(history.commitSHAs == ["c1", "c2"], "a re-run keeps its commit's first position")
        #expect(history.builds.map(\.commit) == [0, 1, 0])
        #expect(CommitOrder.latestGreen(history.builds, branch: "main")?.sha == "c2")
        try history.validate()
    }
}
