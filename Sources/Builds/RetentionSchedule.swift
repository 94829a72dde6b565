import Analyzer
import Dispatch
public import Foundation
public import Store

/// The coordinator's retention: prunes the store (`Store.prune`, rolling up each day first) when
/// started and then every `interval` seconds, on a queue of its own, so raw results stay bounded
/// to `keepDays` days however long the service runs.
public final class RetentionSchedule: @unchecked Sendable {
    public let store: Store
    public let keepDays: Int
    public let interval: TimeInterval
    private let log: @Sendable (String) -> Void
    private let queue = DispatchQueue(label: "testfleet.retention", qos: .utility)
    private var timer: (any DispatchSourceTimer)?

    public init(store: Store, keepDays: Int, interval: TimeInterval = 3_600, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.store = store
        self.keepDays = keepDays
        self.interval = interval
        self.log = log
    }

    /// Prunes now (on the caller's thread) and reports it.
    @discardableResult
    public func pruneNow(now: Double? = nil) throws(StoreError) -> PruneReport {
        let report = try store.prune(keepDays: keepDays, now: now, targetBranches: AnalyzerConfiguration().targetBranches)
        if report.buildsDeleted > 0 || report.daysRolledUp > 0 {
            log("pruned \(report.buildsDeleted) builds (\(report.resultsDeleted) results) older than \(keepDays) days; "
                + "rolled up \(report.daysRolledUp) days")
        }
        return report
    }

    /// Starts the schedule: a first prune right away, then one every `interval` seconds.
    public func start() {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now(), repeating: interval)
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            do { try self.pruneNow() } catch { self.log("pruning failed (the next run tries again): \(error)") }
        }
        queue.sync { self.timer = timer }
        timer.resume()
    }

    /// Stops the schedule; a prune under way finishes first.
    public func stop() {
        queue.sync {
            timer?.cancel()
            timer = nil
        }
    }
}
