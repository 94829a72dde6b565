import Analyzer
import Foundation
import Model
import Store

/// Runs a full flaky analysis of the newest builds after a build when `SnapshotRefresh` says one
/// is due, one at a time, so a store too big to analyse at every gate keeps its gate's
/// suite-wide figures current without anyone running `testfleet flaky`. On a thread of its own
/// (the coordinator: the gate never waits for it) or inline (`AnalysisRefresh.inline`: a
/// one-shot command, where nothing else would ever refresh them).
///
/// With `shared` (the coordinator serves HTTP or a webhook) it is that analysis's producer: it
/// refreshes after every finished build and when asked (`refreshNow`), publishing each analysis
/// there, so the dashboard and the webhook read it instead of analysing themselves. Builds that
/// finish while a refresh runs are folded into one more refresh after it, no sooner than
/// `sharedSpacing` seconds after the previous one started.
final class AnalysisRefresher: @unchecked Sendable {
    let store: Store
    let refresh: AnalysisRefresh
    let shared: SharedAnalysis?
    let sharedSpacing: TimeInterval
    let log: @Sendable (String) -> Void
    /// Guards `running` and `again`.
    private let lock = NSLock()
    private var running = false
    /// A refresh for `shared` was asked for while one ran.
    private var again = false

    init(store: Store, refresh: AnalysisRefresh, shared: SharedAnalysis? = nil, sharedSpacing: TimeInterval = 2,
         log: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.refresh = refresh
        self.shared = refresh.every > 0 && !refresh.inline ? shared : nil
        self.sharedSpacing = sharedSpacing
        self.log = log
        self.shared?.attachProducer()
    }

    private var isRunning: Bool { lock.withLock { running } }

    /// Called after each finished build (`testsPerBuild`: its test count); returns at once
    /// unless the refresh is inline.
    func buildFinished(testsPerBuild: Int) {
        if shared != nil {
            refreshNow(lastBuilds: refresh.builds(testsPerBuild: testsPerBuild))
            return
        }
        guard refresh.every > 0, !isRunning else { return }
        let due: Bool
        do {
            due = SnapshotRefresh.isDue(snapshot: try store.snapshot(), latestBuildSeq: try store.latestBuildSeq(),
                                        approximateResults: try store.approximateResultCount(), every: refresh.every)
        } catch {
            log("could not check the analysis snapshot: \(error)")
            return
        }
        guard due, lock.withLock({ () -> Bool in
            defer { running = true }
            return !running
        }) else { return }
        let builds = refresh.builds(testsPerBuild: testsPerBuild)
        if refresh.inline {
            analyse(lastBuilds: builds)
            return
        }
        // Lower priority: beside a coordinator, its loop's grants go first on a busy machine.
        BackgroundPriority.detach(name: "testfleet-analysis") { [self] in analyse(lastBuilds: builds) }
    }

    /// With a shared analysis: starts a refresh in the background now, or one more after the
    /// refresh in progress. `lastBuilds` nil: the window for the store's average build.
    func refreshNow(lastBuilds: Int? = nil) {
        guard let shared else { return }
        let start = lock.withLock { () -> Bool in
            if running { again = true; return false }
            running = true
            return true
        }
        guard start else { return }
        let builds: Int
        if let lastBuilds { builds = lastBuilds } else {
            let seq = (try? store.latestBuildSeq()) ?? 0, results = (try? store.approximateResultCount()) ?? 0
            builds = refresh.builds(testsPerBuild: results / Int(max(seq, 1)))
        }
        // Lower priority: beside a coordinator, its loop's grants go first on a busy machine.
        BackgroundPriority.detach(name: "testfleet-analysis") { [self] in
            while true {
                let started = Date()
                publish(to: shared, lastBuilds: builds, started: started)
                let more = lock.withLock { () -> Bool in
                    if again { again = false; return true }
                    running = false
                    return false
                }
                guard more else { return }
                let wait = sharedSpacing - Date().timeIntervalSince(started)
                if wait > 0 { usleep(UInt32(wait * 1_000_000)) }
            }
        }
    }

    private func publish(to shared: SharedAnalysis, lastBuilds: Int, started: Date) {
        do {
            let entry = try shared.refresh(lastBuilds: lastBuilds, saveSnapshot: true)
            if Date().timeIntervalSince(started) >= 1 {
                log("flaky analysis refreshed in \(String(format: "%.1f", Date().timeIntervalSince(started))) s "
                    + "(\(entry.history.records.count) results, \(entry.history.builds.count) builds)")
            }
        } catch {
            log("flaky analysis refresh failed (the dashboard and webhook keep the previous one): \(error)")
        }
    }

    private func analyse(lastBuilds: Int) {
        defer { lock.withLock { running = false } }
        let started = Date()
        do {
            let (results, builds) = try Self.analyse(store: store, lastBuilds: lastBuilds)
            log("flaky analysis refreshed in \(String(format: "%.1f", Date().timeIntervalSince(started))) s "
                + "(\(results) results, \(builds) builds)")
        } catch {
            log("flaky analysis refresh failed (the gate keeps the previous snapshot): \(error)")
        }
        // The analysis's tens of megabytes go back to the system, not to the allocator's free
        // lists: a long-running coordinator's memory stays what its builds need between refreshes.
        #if os(Linux)
        _ = glibcMallocTrim(0)
        #endif
    }

    /// One refresh; returns how much it read. Everything it allocated is freed when it returns.
    private static func analyse(store: Store, lastBuilds: Int) throws -> (results: Int, builds: Int) {
        let (history, _) = try FlakyAnalyzer.analyze(store: store, lastBuilds: lastBuilds, findingOrderDependence: false)
        return (history.records.count, history.builds.count)
    }

    /// Waits until a refresh in progress has finished (for a clean shutdown).
    func waitUntilIdle(timeout: TimeInterval) {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while isRunning && Date() < deadline { usleep(50_000) }
    }
}

#if os(Linux)
/// glibc's `malloc_trim` (malloc.h, which the Glibc module does not export): returns free heap
/// memory of every arena to the system.
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
