import Model
import Store
import Wire

extension CoordinatorCore {
    /// Starts dispatching a planned build the shell has stored (or resumed): queues every test
    /// without a final result in `stored`, and finishes it at once when none is left.
    func start(_ planned: PlannedBuild, stored: [String: (attempt: Int, outcome: Outcome, worker: String)],
               watcher: [UInt8]?, now: UInt64) {
        start(BuildState.prepared(planned, stored: stored), watcher: watcher, now: now)
    }

    /// Starts dispatching a build prepared off the loop (`BuildState.prepared`): links it in,
    /// which costs the same for a million tests as for ten.
    func start(_ build: BuildState, watcher: [UInt8]?, now: UInt64) {
        clock = max(clock, now)
        build.startedAt = now
        if let watcher { build.watchers.insert(watcher) }
        // A newcomer starts level with the work done (granted, not in flight) by the least-served
        // build of its priority: it gets its share from now on, not everything until it caught
        // up with builds running for an hour — but what others were granted just before it came
        // and still run counts as theirs.
        build.grantedWork = runningBuilds.filter { $0.priority == build.priority }
            .map { $0.grantedWork - $0.inFlightWork }.min() ?? 0
        builds[build.id] = build
        buildOrder.append(build.id)
        if build.isComplete { finish(build) } else { grantAll() }
    }

    var runningBuilds: [BuildState] { buildOrder.compactMap { builds[$0] }.filter { !$0.finished } }

    /// All tests are final: the build stops taking work and results, and the shell is told to
    /// finish it. A build is finished once; it then leaves the core's memory (the store has it).
    func finish(_ build: BuildState) {
        guard !build.finished else { return }
        build.finished = true
        retire(build, reason: "build finished")
        effects.append(.finish(build, progress: progress(of: build)))
    }

    /// Ends a running build without a verdict of its tests (`how`, with a reason naming why):
    /// its leases are revoked and freed at once, and its watchers hear a failing verdict with
    /// the infrastructure exit code. Other builds go on.
    func end(_ build: BuildState, how: StoredBuild.Ending, reason: String) {
        guard !build.finished else { return }
        build.finished = true
        effects.append(.log("build \(build.id) \(how.rawValue): \(reason)"))
        retire(build, reason: "build \(how.rawValue)")
        effects.append(.end(build, how: how, reason: reason, progress: progress(of: build)))
    }

    /// Takes a finished or ended build out of dispatch and out of memory; leases of it still
    /// out (requeued copies) are revoked so their workers' slots are free now.
    private func retire(_ build: BuildState, reason: String) {
        buildOrder.removeAll { $0 == build.id }
        builds[build.id] = nil
        revokeLeases(of: build.id, reason: reason)
        for worker in workers.values { worker.shunnedBuilds.remove(build.id) }
        grantAll()
    }

    /// A client asked to stop a build: it ends as cancelled, and the client hears the verdict.
    func cancel(_ id: String, reason: String, by client: [UInt8]? = nil) {
        guard let build = builds[id], !build.finished else {
            if let client {
                send(.error(ErrorMessage(code: "not-running", message: "build \(id) is not running on this coordinator")), to: client)
            }
            return
        }
        if let client { build.watchers.insert(client) }
        end(build, how: .cancelled, reason: reason)
    }

    /// Builds with tests that no connected worker can take — pinned to an arch none serves, or
    /// refused by every worker — end after `archWaitMilliseconds`, naming why, rather than wait
    /// forever. (With expected local workers, only once they have all said hello.)
    func abortUnservableBuilds() {
        guard workers.count >= config.expectedWorkers else { return }
        for build in runningBuilds {
            var missing: [Arch] = []
            for (arch, count) in build.unfinishedPinned.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where count > 0 {
                if !workers.values.contains(where: { $0.arch == arch && !$0.shunnedBuilds.contains(build.id) }) {
                    missing.append(arch)
                }
            }
            let refusedByAll = !workers.isEmpty && workers.values.allSatisfy { $0.shunnedBuilds.contains(build.id) }
            guard !missing.isEmpty || refusedByAll else {
                build.unservableSince = nil
                continue
            }
            let since = build.unservableSince ?? clock
            build.unservableSince = since
            guard clock &- since >= UInt64(config.archWaitMilliseconds) else { continue }
            let waited = "waited \((clock &- since) / 1000) s (--arch-wait)"
            let reason = missing.isEmpty
                ? "every connected worker refused its grants or let them expire; \(waited)"
                : "no connected worker serves arch \(missing.map(\.rawValue).joined(separator: ", ")), which "
                    + "\(build.unfinishedPinned.values.reduce(0, +)) test(s) are pinned to; \(waited)"
            end(build, how: .aborted, reason: reason)
        }
    }

    func progress(of build: BuildState) -> BuildProgress {
        var running = 0
        for lease in leases.values where lease.build == build.id { running += lease.remaining.count }
        let ahead = build.finished ? 0 : servingOrder().prefix { $0 !== build }.count
        return BuildProgress(build: build.id, done: build.finalCount, total: build.total, failed: build.failedCount,
                             workers: workers.count, running: running, ahead: ahead)
    }
}
