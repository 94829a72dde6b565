import Model
import Testing
import Analyzer
@testable import BenchSupport

@Suite struct SyntheticHistoryTests {
    static var small: SyntheticFlakyHistory.Parameters {
        var parameters = SyntheticFlakyHistory.Parameters()
        parameters.tests = 400
        parameters.builds = 30
        parameters.flakyShare = 0.1
        parameters.brokenShare = 0.02
        return parameters
    }

    @Test func sameSeedSameHistoryAndLabelledSynthetic() throws {
        let first = SyntheticFlakyHistory(Self.small)
        let second = SyntheticFlakyHistory(Self.small)
        #expect(first.history.records == second.history.records)
        #expect(first.truth == second.truth)
        var other = Self.small
        other.seed = 2
        #expect(SyntheticFlakyHistory(other).history.records != first.history.records)
        #expect(first.history.testNames.allSatisfy { $0.hasPrefix("synthetic.") })
        #expect(first.history.builds.allSatisfy { $0.id.hasPrefix("synthetic-") })
        try first.history.validate()
    }

    @Test func retriesFollowFailuresOnAnotherWorkerAndArch() {
        let synthetic = SyntheticFlakyHistory(Self.small)
        let records = synthetic.history.records
        let firstConfirmation = 2 + Self.small.retries
        for (index, record) in records.enumerated() where record.attempt > 1 {
            let previous = records[index - 1]
            #expect(previous.test == record.test && previous.build == record.build)
            // Confirmation runs go out together: after the first, one may follow a pass.
            if Int(record.attempt) <= firstConfirmation { #expect(previous.outcome.isFailure) }
            #expect(previous.arch != record.arch)
        }
        // All confirmation runs of a test are recorded, however many passed.
        let confirmed = records.filter { Int($0.attempt) == firstConfirmation }.count
        let lastConfirmation = records.filter { Int($0.attempt) == 1 + Self.small.retries + Self.small.confirmRetries }.count
        #expect(confirmed == lastConfirmation)
        // 1 + 2 retries, then up to 5 confirmation runs for a test that failed all three.
        #expect(records.allSatisfy { $0.attempt <= 3 + Self.small.confirmRetries })
        var perBuild: [Int32: Set<Int32>] = [:]
        for record in records where record.attempt == 4 { perBuild[record.build, default: []].insert(record.test) }
        #expect(perBuild.values.allSatisfy { $0.count <= Self.small.confirmLimit })
    }

    @Test func brokenTruthFailsEveryAttemptInsideItsWindow() {
        let synthetic = SyntheticFlakyHistory(Self.small)
        let broken = synthetic.truth.indices.filter { synthetic.truth[$0].kind == .broken }
        #expect(!broken.isEmpty)
        for record in synthetic.history.records where broken.contains(Int(record.test)) {
            if synthetic.truth[Int(record.test)].isBroken(at: record.commit) { #expect(record.outcome == .failed) }
        }
    }

    @Test func evaluationScoresAPerfectOracleAsPerfect() {
        let synthetic = SyntheticFlakyHistory(Self.small)
        let oracle = synthetic.truth.map(\.isFlaky)
        let flags = FlakyEvaluation.flags(flaky: oracle)
        let score = FlakyEvaluation.score(detector: "oracle", synthetic: synthetic, flagsAt: [30: flags],
                                          update: { _, tests, _ in tests.map { ($0, oracle[Int($0)], oracle[Int($0)] ? QuarantineReason.automatic : nil, nil) } },
                                          broken: nil)
        #expect(score.precision == 1)
        #expect(score.falsePositives == 0)
        #expect(score.recallAtLeast1Percent == 1)
        #expect(score.buckets.allSatisfy { $0.recall == 1 })
    }
}
