import Model
import Wire

extension CoordinatorCore {
    /// Starts dispatching a planned build the shell has stored (or resumed): queues every test
    /// without a final result in `stored`, and finishes it at once when none is left.
    func start(_ planned: PlannedBuild, stored: [String: (attempt: Int, outcome: Outcome, worker: String)],
               watcher: [UInt8]?, now: UInt64) {
        let build = BuildState(planned: planned, now: now)
        if let watcher { build.watchers.insert(watcher) }
        builds[planned.spec.id] = build
        buildOrder.append(planned.spec.id)
        build.queueUnfinished(stored: stored)
        if build.isComplete { finish(build) } else { grantAll() }
    }

    /// All tests are final: the build stops taking work and results, and the shell is told to
    /// finish it. A build is finished once: results arriving later change nothing.
    func finish(_ build: BuildState) {
        guard !build.finished else { return }
        build.finished = true
        buildOrder.removeAll { $0 == build.id }
        effects.append(.finish(build, progress: progress(of: build)))
    }

    func progress(of build: BuildState) -> BuildProgress {
        BuildProgress(build: build.id, done: build.finalCount, total: build.total, failed: build.failedCount,
                      workers: workers.count)
    }
}
