import Analyzer
import Dispatch
import Foundation
import Model
import Store

/// The dashboard's reads of the store. They run on a dispatch queue of their own, never on the
/// Swift concurrency pool (two threads on this machine kind; a store read must not stall every
/// request) and never on the coordinator's loop: the dashboard holds its own `Store` (its own
/// GRDB `DatabasePool`, readers beside the coordinator's writer in WAL mode) and never writes
/// but for quarantine decisions.
final class DashboardData: Sendable {
    let store: Store
    private let queue = DispatchQueue(label: "testfleet-dashboard-reads", attributes: .concurrent)
    /// The flaky analysis pages and `/api/flaky` show: in a coordinator, the one its background
    /// refresher publishes (shared with the webhook); else one of the dashboard's own.
    let shared: SharedAnalysis

    /// Verdicts judged since the store last changed, by build, and when (pollers of one build's
    /// page or `/api/builds/{id}` cost one gate per change, not one per request; a running
    /// build's, whose results move without moving the stamp, one per `runningFreshness`).
    private let verdicts = LockedBox<(stamp: StoreChangeStamp?, byBuild: [String: (judged: Judged, at: Double)])>((nil, [:]))
    typealias Judged = (verdict: Verdict, record: StoredBuild, selection: BuildSelection?)

    /// Finished builds' counts, by build: they never change, and a list polled while big builds
    /// are stored must not count every result of the newest 50 builds at each request. Running
    /// builds' counts are kept for `runningFreshness` (with when they were counted).
    private let finishedCounts = LockedBox<[String: BuildListRow.Counts]>([:])
    private let runningCounts = LockedBox<[String: (counts: BuildListRow.Counts, at: Double)]>([:])

    /// Seconds a running build's counts and verdict may be shown old: at 20 polls a second the
    /// store counts and judges it at most once a second, and a person sees no difference.
    let runningFreshness: Double = 1

    init(store: Store, shared: SharedAnalysis?) {
        self.store = store
        self.shared = shared ?? SharedAnalysis(store: store)
    }

    /// A build's record, its gate verdict judged now (never saving the snapshot) and its
    /// selection; nil for an unknown build. Cached until the store changes.
    func judged(_ id: String) async throws -> (verdict: Verdict, record: StoredBuild, selection: BuildSelection?)? {
        try await read { [verdicts, runningFreshness] store in
            let stamp = try store.changeStamp()
            let now = Date().timeIntervalSince1970
            if let cached = verdicts.update({ entry -> (judged: Judged, at: Double)? in
                if entry.stamp != stamp { entry = (stamp, [:]) }
                return entry.byBuild[id]
            }) {
                // A running build's results move without moving the stamp: judge those again
                // once they are `runningFreshness` old.
                if cached.judged.record.isFinished || now - cached.at < runningFreshness { return cached.judged }
            }
            // A running build is judged on its failing tests against the snapshot, never with a
            // full analysis, which a page polled while builds run would otherwise cost at every
            // judgement on a small store.
            guard let record = try store.build(id),
                  let evaluation = try StoredGate.evaluate(
                      store: store, build: id, fullAnalysisLimit: record.isFinished ? StoredGate.fullAnalysisLimit : 0,
                      saveSnapshot: false) else { return nil }
            let judged: Judged = (evaluation.verdict, record, try store.selection(build: id))
            verdicts.update { entry in if entry.stamp == stamp { entry.byBuild[id] = (judged, now) } }
            return judged
        }
    }

    /// `Store.buildList`, with finished builds' counts kept from earlier requests (only running
    /// builds, and finished ones not seen before, are counted).
    func buildList(branch: String?, limit: Int) async throws -> [BuildListRow] {
        try await read { [finishedCounts, runningCounts, runningFreshness] store in
            let rows = try store.recentBuilds(branch: branch, limit: limit)
            let now = Date().timeIntervalSince1970
            let finished = finishedCounts.value, running = runningCounts.value
            func kept(_ row: BuildListRow) -> BuildListRow.Counts? {
                if row.state == "finished" { return finished[row.build] }
                return running[row.build].flatMap { now - $0.at < runningFreshness ? $0.counts : nil }
            }
            let counts = try store.buildCounts(rows.filter { kept($0) == nil }.map(\.build))
            finishedCounts.update { cache in
                if cache.count > 20_000 { cache.removeAll() }
                for row in rows where row.state == "finished" { if let found = counts[row.build] { cache[row.build] = found } }
            }
            runningCounts.update { cache in
                cache = cache.filter { now - $0.value.at < runningFreshness }
                for row in rows where row.state != "finished" { if let found = counts[row.build] { cache[row.build] = (found, now) } }
            }
            return rows.map { row in
                var row = row
                row.counts = counts[row.build] ?? kept(row) ?? .init()
                return row
            }
        }
    }

    /// Runs `body` on the read queue and returns its value to the caller's task.
    func read<T: Sendable>(_ body: @escaping @Sendable (Store) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { [store] in continuation.resume(with: Result { try body(store) }) }
        }
    }

    /// The flaky analysis to show (`SharedAnalysis.current`): in a coordinator the newest its
    /// refresher published, so a request never analyses; without one, the dashboard's own,
    /// remade only when a build was added or finished or a quarantine decision was taken since,
    /// one at a time. Never saves the snapshot (no write).
    func analysis() async throws -> (history: AttemptHistory, analysis: FlakyAnalysis) {
        try await read { [shared] _ in
            let entry = try shared.current()
            return (entry.history, entry.analysis)
        }
    }
}

/// A value behind a lock (the dashboard's caches).
final class LockedBox<Value>: @unchecked Sendable {
    private var stored: Value
    private let lock = NSLock()
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); defer { lock.unlock() }; stored = newValue }
    }
    func update<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&stored)
    }
}
