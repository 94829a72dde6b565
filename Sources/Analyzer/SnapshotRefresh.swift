public import Store

/// When a long-running coordinator should run a full flaky analysis in the background.
///
/// On a store small enough (`StoredGate.fullAnalysisLimit`) every gate analyses in full and
/// saves the snapshot itself. On a bigger one the gate re-judges only the failing tests against
/// the snapshot's suite-wide figures (prior, regression rate, flag threshold), which nothing but
/// `testfleet flaky` refreshed: after a few hundred builds they described a different suite.
public enum SnapshotRefresh {
    /// Whether a refresh is due: the store is past the full-analysis limit and the snapshot is
    /// missing or `every` or more builds old. `every` 0 means never.
    public static func isDue(snapshot: AnalysisSnapshot?, latestBuildSeq: Int64, approximateResults: Int, every: Int,
                             fullAnalysisLimit: Int = StoredGate.fullAnalysisLimit) -> Bool
    {
        guard every > 0, approximateResults > fullAnalysisLimit else { return false }
        guard let snapshot else { return true }
        return latestBuildSeq - snapshot.buildSeq >= Int64(every)
    }
}
