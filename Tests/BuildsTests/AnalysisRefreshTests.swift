import Analyzer
import Builds
import Foundation
import Model
import Store
import Testing

/// The snapshot a big store's gate judges against is refreshed by whatever path fills the
/// store: inline for one-shot commands such as `ingest junit`, over a window bounded by results.
@Suite struct AnalysisRefreshTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-refresh-\(UUID().uuidString)").path

    /// `count` ingested builds of 2,600 passing tests each: the store passes the full-analysis
    /// limit (50,000 results) with its 20th build.
    func fill(_ store: Store, builds count: Int, lifecycle: BuildLifecycle) throws {
        let tests = (0..<2_600).map { "suite::test_\($0)" }
        for index in 0..<count {
            let results = tests.map { [TestResult(test: $0, attempt: 1, outcome: .passed, duration: 0.1, worker: "w", arch: .x86_64)] }
            let (_, verdict) = try lifecycle.ingest(results, into: BuildSpec(id: "b\(index)", suite: "junit:x", commit: "c\(index)",
                                                                              branch: "main", base: "c\(index)"))
            #expect(verdict.verdict == .pass)
        }
    }

    @Test func inlineRefreshKeepsTheSnapshotCurrentOnAnIngestOnlyStore() throws {
        let store = try Store(path: directory + "/inline.db")
        try fill(store, builds: 20, lifecycle: BuildLifecycle(store: store, refresh: AnalysisRefresh(every: 20, inline: true)))
        // Refreshed before `finish` returned, with no background thread to wait for.
        let snapshot = try #require(try store.snapshot())
        #expect(snapshot.buildSeq == (try store.latestBuildSeq()))
        #expect(try store.build("b19")?.spec.base == "c19", "ingest stores the build's base")
    }

    @Test func withoutARefreshAnIngestOnlyStoreHasNoCurrentSnapshot() throws {
        let store = try Store(path: directory + "/none.db")
        try fill(store, builds: 20, lifecycle: BuildLifecycle(store: store, refresh: nil))
        #expect(try store.snapshot() == nil)
    }

    /// With a shared analysis (the coordinator serving HTTP or a webhook), the background refresh
    /// publishes after every finished build, and readers, however often they read, never analyse:
    /// a change the refresher was not told about stays unseen until it is asked to refresh.
    @Test func readersOfTheSharedAnalysisNeverAnalyseBesideTheRefresher() throws {
        let store = try Store(path: directory + "/shared.db")
        let shared = SharedAnalysis(store: store)
        let lifecycle = BuildLifecycle(store: store, refresh: AnalysisRefresh(every: 20), shared: shared)
        #expect(shared.hasProducer)
        for n in 1...5 {
            let results = ["t::a", "t::b"].map { test in
                let outcomes: [Outcome] = test == "t::b" && n >= 3 ? [.failed, .failed] : [.passed]
                return outcomes.enumerated().map {
                    TestResult(test: test, attempt: $0.offset + 1, outcome: $0.element, duration: 0.1, worker: "w", arch: .x86_64)
                }
            }
            _ = try lifecycle.ingest(results, into: BuildSpec(id: "s\(n)", suite: "junit:x", commit: "c\(n)", branch: "main",
                                                          maxAttempts: 2))
            for _ in 0..<20 { _ = try shared.current() }  // readers polling while the refresher works
        }
        lifecycle.waitUntilIdle(timeout: 60)
        let entry = try shared.current()
        #expect(entry.stamp == (try store.changeStamp()), "the newest build is in the published analysis")
        #expect(entry.analysis.tests.first { $0.name == "t::b" }?.state == .broken)
        let made = shared.analysesMade
        #expect(made <= 6, "\(made) analyses for 5 builds and 100 reads")

        try store.quarantine(test: "t::b", reason: "tracked")  // the store changes; nobody told the refresher
        for _ in 0..<50 { _ = try shared.current() }
        #expect(shared.analysesMade == made, "reads made no analysis")
        #expect(try shared.current().stamp != (try store.changeStamp()))
        lifecycle.refreshSharedAnalysis()
        lifecycle.waitUntilIdle(timeout: 60)
        #expect(shared.analysesMade == made + 1)
        #expect(try shared.current().analysis.tests.first { $0.name == "t::b" }?.state == .quarantined)
    }

    @Test func theWindowIsBoundedByResultsNotOnlyBuilds() {
        let refresh = AnalysisRefresh(every: 20, window: 500, resultBudget: 1_000_000)
        #expect(refresh.builds(testsPerBuild: 2_000) == 500)
        #expect(refresh.builds(testsPerBuild: 20_000) == 50)
        #expect(refresh.builds(testsPerBuild: 100_000) == 10)
        #expect(refresh.builds(testsPerBuild: 5_000_000) == 1)
    }
}
