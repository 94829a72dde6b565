import Testing
import Store
@testable import Analyzer

@Suite struct SnapshotRefreshTests {
    func snapshot(at seq: Int64) -> AnalysisSnapshot {
        AnalysisSnapshot(priorAlpha: 0.5, priorBeta: 50, ambientRate: 1e-4, regressionRate: 1e-4, flagThreshold: 1e-3,
                         nextFlagBar: 1e-5, buildSeq: seq)
    }

    @Test func dueOnlyOnBigStoresWithAMissingOrOldSnapshot() {
        // Small store: every gate analyses in full already.
        #expect(!SnapshotRefresh.isDue(snapshot: nil, latestBuildSeq: 100, approximateResults: 50_000, every: 20))
        // Big store, no snapshot yet: due once it holds `every` builds (a store brought in with
        // its history at once; a new store's first big build does not wait for an analysis).
        #expect(!SnapshotRefresh.isDue(snapshot: nil, latestBuildSeq: 1, approximateResults: 50_001, every: 20))
        #expect(!SnapshotRefresh.isDue(snapshot: nil, latestBuildSeq: 19, approximateResults: 50_001, every: 20))
        #expect(SnapshotRefresh.isDue(snapshot: nil, latestBuildSeq: 20, approximateResults: 50_001, every: 20))
        // 19 builds behind: not yet; 20 behind: due.
        #expect(!SnapshotRefresh.isDue(snapshot: snapshot(at: 81), latestBuildSeq: 100, approximateResults: 1_000_000, every: 20))
        #expect(SnapshotRefresh.isDue(snapshot: snapshot(at: 80), latestBuildSeq: 100, approximateResults: 1_000_000, every: 20))
        // 0 turns it off.
        #expect(!SnapshotRefresh.isDue(snapshot: nil, latestBuildSeq: 100, approximateResults: 1_000_000, every: 0))
    }
}
