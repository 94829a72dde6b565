public import Store

/// A test's record from the days whose raw results were pruned (its rollups summed over those
/// days, target branch only): the flaky evidence the analysis adds to its bounded window of raw
/// results, so a test's known flakiness outlives the window while the analysis's cost stays flat
/// as history grows.
///
/// Only same-build evidence counts: failed attempts in builds where the test also passed. A
/// build that failed every attempt may have been a break, which says nothing about a flake
/// rate, so its failed attempts count neither as failures nor as attempts.
public struct LongRangeRecord: Sendable, Hashable {
    /// Failed attempts in builds where the test also passed.
    public var flakyFailures: Int
    /// Attempts outside builds that failed every attempt.
    public var attempts: Int

    public init(flakyFailures: Int, attempts: Int) {
        self.flakyFailures = max(flakyFailures, 0)
        self.attempts = max(attempts, self.flakyFailures)
    }

    /// From a test's rolled-up totals (`Store.rollupTotals`); nil when it holds no attempt.
    public init?(_ totals: RollupTotals) {
        guard totals.runs > 0 else { return nil }
        let failuresOfFailedBuilds = max(totals.failures - totals.flakyFailures, 0)
        self.init(flakyFailures: totals.flakyFailures, attempts: totals.runs - failuresOfFailedBuilds)
    }

    /// Records by test name from the store's rollup totals.
    public static func records(_ totals: [String: RollupTotals]) -> [String: LongRangeRecord] {
        totals.compactMapValues(LongRangeRecord.init)
    }
}
