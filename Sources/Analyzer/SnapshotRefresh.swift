public import Store

/// When a long-running coordinator should run a full flaky analysis in the background.
///
/// On a store small enough (`StoredGate.fullAnalysisLimit`) every gate analyses in full and
/// saves the snapshot itself. On a bigger one the gate re-judges only the failing tests against
/// the snapshot's suite-wide figures (prior, regression rate, flag threshold), which nothing but
/// `testfleet flaky` refreshed: after a few hundred builds they described a different suite.
public enum SnapshotRefresh {
    /// Whether a refresh is due: the store is past the full-analysis limit and `every` or more
    /// builds are newer than the snapshot. A missing snapshot is older than every build: a store
    /// brought in with its history is refreshed at once, while a new store with one big build
    /// waits for `every` builds (suite-wide figures from one build say little, and `run` would
    /// wait for that analysis before it exits). `every` 0 means never.
    public static func isDue(snapshot: AnalysisSnapshot?, latestBuildSeq: Int64, approximateResults: Int, every: Int,
                             fullAnalysisLimit: Int = StoredGate.fullAnalysisLimit) -> Bool
    {
        guard every > 0, approximateResults > fullAnalysisLimit else { return false }
        return latestBuildSeq - (snapshot?.buildSeq ?? 0) >= Int64(every)
    }
}
