import Analyzer
import BenchSupport
import Model
import Testing

/// flaky-eval's generator draws the coordinator's early retries (`earlyRetries`): a test that
/// failed every run of the previous build and never passed has its retries recorded even when
/// its first attempt passes; `earlyRetries = false` (the coordinator before) never records a
/// retry after a passing first attempt. Where the commits are seen (the default), the tests
/// expected to fail that pass are none: a fix since the previous build lapses the expectation.
@Suite struct SyntheticEarlyRetryTests {
    static var parameters: SyntheticFlakyHistory.Parameters {
        var parameters = SyntheticHistoryTests.small
        parameters.builds = 60
        parameters.bornBrokenShare = 0.05
        // Where changes are seen, a test expected to fail that passes is one fixed since, and
        // gets no early retries (`fixedSincePrevious`): blind, its fix's build draws them.
        parameters.knownBreaksSeeChanges = false
        return parameters
    }

    /// Per (build, test): its records there.
    static func byBuildAndTest(_ records: [AttemptRecord]) -> [String: [AttemptRecord]] {
        Dictionary(grouping: records) { "\($0.build)/\($0.test)" }
    }

    @Test func retriesAfterAPassingFirstAttemptOnlyForTestsThatFailedAllOfThePreviousBuild() {
        let records = SyntheticFlakyHistory(Self.parameters).history.records
        let runs = Self.byBuildAndTest(records)
        var early = 0
        for (key, attempts) in runs {
            guard attempts.contains(where: { $0.attempt == 1 && !$0.outcome.isFailure }), attempts.count > 1 else { continue }
            early += 1
            let build = attempts[0].build, test = attempts[0].test
            // Its latest earlier build had it fail every run, and no earlier run passed.
            let earlier = records.filter { $0.test == test && $0.build < build }
            let previous = earlier.map(\.build).max()
            #expect(previous != nil, "\(key)")
            #expect(earlier.filter { $0.build == previous }.allSatisfy { $0.outcome.isFailure }, "\(key)")
            #expect(earlier.allSatisfy { $0.outcome.isFailure }, "\(key)")
            // Ordinary retries only: no confirmation runs after a pass.
            #expect(attempts.allSatisfy { Int($0.attempt) <= 1 + Self.parameters.retries }, "\(key)")
        }
        #expect(early > 0)

        var late = Self.parameters
        late.earlyRetries = false
        let lateRuns = Self.byBuildAndTest(SyntheticFlakyHistory(late).history.records)
        #expect(!lateRuns.values.contains { attempts in
            attempts.contains { $0.attempt == 1 && !$0.outcome.isFailure } && attempts.count > 1
        })
    }
}
