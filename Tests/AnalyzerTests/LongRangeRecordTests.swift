import Model
import Store
import Testing
@testable import Analyzer

/// The record of pruned days (rollups) as the analysis's evidence from before its window.
@Suite struct LongRangeRecordTests {
    /// 20 builds: 20 stable tests, and `suite::known` failing then passing on retry once (build 5).
    func window() -> AttemptHistory {
        var builder = AttemptHistory.Builder()
        for build in 0..<20 {
            let index = builder.build(id: "b\(build)", commit: "c\(build)")
            AnalyzerHistoryTests.addStable(&builder, build: index)
            if build == 5 {
                builder.attempt("suite::known", build: index, attempt: 1, outcome: .failed, worker: "w1")
                builder.attempt("suite::known", build: index, attempt: 2, outcome: .passed, worker: "w2")
            } else {
                builder.attempt("suite::known", build: index, attempt: 1, outcome: .passed)
            }
        }
        return builder.history
    }

    @Test func countsOnlySameBuildEvidence() throws {
        // 10 builds, 14 runs: 2 failed attempts in builds that also passed, one build failed all 3.
        let record = try #require(LongRangeRecord(RollupTotals(builds: 10, runs: 14, failures: 5, flakyFailures: 2, failedBuilds: 1)))
        #expect(record == LongRangeRecord(flakyFailures: 2, attempts: 11), "the failed build's 3 attempts count for nothing")
        #expect(LongRangeRecord(RollupTotals()) == nil)
        #expect(LongRangeRecord.records(["a": RollupTotals(builds: 1, runs: 1), "b": RollupTotals()]).keys.sorted() == ["a"])
    }

    @Test func aKnownFlakyRecordFromPrunedDaysFlagsATestTheWindowAloneDoesNot() throws {
        let history = window()
        let alone = try #require(FlakyAnalyzer.analyze(history).tests.first { $0.name == "suite::known" })
        #expect(!alone.flagged, "one pass on retry in the window is not significant")

        let longRange = ["suite::known": LongRangeRecord(flakyFailures: 40, attempts: 400),
                         "suite::stable_0": LongRangeRecord(flakyFailures: 0, attempts: 5_000)]
        let analysis = FlakyAnalyzer.analyze(history, longRange: longRange)
        let known = try #require(analysis.tests.first { $0.name == "suite::known" })
        #expect(known.flagged)
        #expect(known.state == .quarantined && known.quarantine == .automatic)
        #expect(known.flakyFailures == 41 && known.flakyAttempts == alone.flakyAttempts + 400)
        #expect((known.evidence.rolledUpFlakyFailures, known.evidence.rolledUpAttempts) == (40, 400))
        #expect(known.flakeRate > alone.flakeRate)
        #expect(FlakyReport.evidence(known).contains("40 of them in 400 attempts on pruned days"))
        let stable = try #require(analysis.tests.first { $0.name == "suite::stable_0" })
        #expect(stable.state == .stable && stable.flakyAttempts == 5_020)
    }

    @Test func aTestOnlyThePrunedDaysKnowIsIgnored() {
        // The analysis covers the window's tests; a test no longer run has no row.
        let analysis = FlakyAnalyzer.analyze(window(), longRange: ["suite::gone": LongRangeRecord(flakyFailures: 9, attempts: 10)])
        #expect(!analysis.tests.contains { $0.name == "suite::gone" })
    }

    @Test func parallelMapKeepsOrderAndMatchesASerialMap() {
        let count = ParallelMap.minimumParallelCount * 3 + 7
        let mapped = ParallelMap.map(count: count, makeScratch: { 0 }) { index, calls in
            calls += 1
            return index * 2 + (calls > 0 ? 0 : 1)
        }
        #expect(mapped == (0..<count).map { $0 * 2 })
    }
}
