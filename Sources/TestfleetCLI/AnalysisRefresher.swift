import Analyzer
import Foundation
import Store
import Transport

/// Runs a full flaky analysis on a thread of its own after a build when `SnapshotRefresh` says
/// one is due, one at a time, so a coordinator on a big store keeps its gate's suite-wide
/// figures current without anyone running `testfleet flaky`. The gate never waits for it.
final class AnalysisRefresher: Sendable {
    let store: Store
    /// Builds between refreshes (0: never).
    let every: Int
    /// The newest builds a refresh reads (a whole production store would not fit in memory).
    let window: Int
    private let running = Locked(false)

    init(store: Store, every: Int, window: Int) {
        self.store = store
        self.every = every
        self.window = window
    }

    /// Called after each finished build; returns at once.
    func buildFinished() {
        guard every > 0, !running.withLock({ $0 }) else { return }
        let due: Bool
        do {
            due = SnapshotRefresh.isDue(snapshot: try store.snapshot(), latestBuildSeq: try store.latestBuildSeq(),
                                        approximateResults: try store.approximateResultCount(), every: every)
        } catch {
            Self.log("could not check the analysis snapshot: \(error)")
            return
        }
        guard due, running.withLock({ state in
            defer { state = true }
            return !state
        }) else { return }
        let thread = Thread { [self] in
            defer { running.withLock { $0 = false } }
            let started = Date()
            do {
                let (history, _) = try FlakyAnalyzer.analyze(store: store, lastBuilds: window)
                Self.log("flaky analysis refreshed in \(String(format: "%.1f", Date().timeIntervalSince(started))) s "
                    + "(\(history.records.count) results, \(history.builds.count) builds)")
            } catch {
                Self.log("flaky analysis refresh failed (the gate keeps the previous snapshot): \(error)")
            }
        }
        thread.name = "testfleet-analysis"
        thread.start()
    }

    /// Waits until a refresh in progress has finished (for a clean shutdown).
    func waitUntilIdle(timeout: TimeInterval = 600) {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while running.withLock({ $0 }) && Date() < deadline { usleep(50_000) }
    }

    static func log(_ text: String) {
        FileHandle.standardError.write(Data("testfleet coordinator: \(text)\n".utf8))
    }
}
