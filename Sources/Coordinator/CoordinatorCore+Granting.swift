import Model
import Planning
import Wire

extension CoordinatorCore {
    /// Gives `worker` grants until it holds as many as its capacity or no work fits it.
    func grant(to worker: WorkerEntry) {
        profile.measure(\.granting) { grantLoop(worker) }
    }

    private func grantLoop(_ worker: WorkerEntry) {
        while worker.capacity > 0 {
            // A busy worker still takes one grant of retries, which its retry lane runs at once:
            // a failure's retries and confirmation runs start as soon as it is reported, not
            // when the build's queue next frees a slot.
            var ordinary = 0, laneFree = true
            for id in worker.leases {
                if leases[id]?.retryLane == true { laneFree = false } else { ordinary += 1 }
            }
            let room = ordinary < worker.capacity
            guard room || laneFree else { return }
            let toLane = ordinary > 0 && laneFree
            guard let (build, tests, isRetry) = nextWork(for: worker, running: ordinary, toLane: toLane, pending: room)
            else { return }
            let lane = isRetry && toLane
            let id = nextLease
            nextLease += 1
            var remaining: [Int: Int] = [:]
            remaining.reserveCapacity(tests.count)
            var granted: [GrantedTest] = []
            granted.reserveCapacity(tests.count)
            for (index, attempt) in tests {
                remaining[index] = attempt
                granted.append(GrantedTest(name: build.planned.tests[index].name, attempt: attempt))
            }
            leases[id] = Lease(id: id, worker: worker.identity, build: build.id, remaining: remaining, retryLane: lane)
            worker.leases.insert(id)
            let suite = suiteForGrant(build, tests: tests.map(\.index))
            send(.assign(Assign(lease: id, build: build.id, suite: suite,
                                deadlineMilliseconds: config.workerTimeoutMilliseconds, tests: granted)), to: worker.identity)
        }
    }

    /// The next tests for a worker, with the attempt each runs, and whether they are retries:
    /// retries first, oldest build first (ones this worker did not fail, when another worker
    /// could take them), then the scheduler's next chunk of the oldest build with work left.
    /// `running`: the worker's grants in its slots (not its retry lane); `toLane`: retries
    /// would go to its free retry lane; `pending`: it has room for more than retries.
    func nextWork(for worker: WorkerEntry, running: Int, toLane: Bool, pending: Bool)
        -> (BuildState, [(index: Int, attempt: Int)], isRetry: Bool)?
    {
        let onlyWorker = workers.count <= 1
        for id in buildOrder {
            guard let build = builds[id], !build.finished, !build.retries.isEmpty else { continue }
            if running > 0 && !toLane && build.planned.grantCost >= Self.prefetchCostLimit { continue }
            let onlyOfArch = !workers.values.contains { $0.arch == worker.arch && $0.id != worker.id }
            let taken = build.takeRetries(
                for: worker.id, arch: worker.arch, onlyWorker: onlyWorker, onlyOfArch: onlyOfArch, limit: 64)
            if !taken.isEmpty { return (build, taken, true) }
        }
        for id in buildOrder where pending {
            guard let build = builds[id], !build.finished else { continue }
            // Prefetching a second grant hides a round trip, which only matters when grants are
            // cheap; an expensive grant (a framework process) prefetched would just sit queued
            // on one worker while another idles.
            if running > 0 && build.planned.grantCost >= Self.prefetchCostLimit { continue }
            let cases = scheduler.nextGrant(
                from: &build.pending, arch: worker.arch, workers: max(workers.count, config.expectedWorkers, 1),
                grantCost: build.planned.grantCost)
            if !cases.isEmpty { return (build, cases.map { ($0.index, 1) }, false) }
        }
        return nil
    }

    /// Grants costing at least this many seconds are not prefetched.
    static let prefetchCostLimit = 0.05

    /// The suite as a grant carries it: shell suites send only the commands of granted tests.
    func suiteForGrant(_ build: BuildState, tests: [Int]) -> SuiteDefinition {
        let suiteIndex = build.planned.tests[tests[0]].suite
        var suite = build.planned.suites[suiteIndex]
        if !suite.shellTests.isEmpty {
            // Per-arch copies (`name@arch`) run their original's command.
            let names = Set(tests.map { PerArchName.original(of: build.planned.tests[$0].name) })
            suite.shellTests = suite.shellTests.filter { names.contains($0.name) }
        }
        return suite
    }

    /// Grants to every worker with room; with `retryLanes`, also to busy workers whose retry
    /// lane is free.
    func grantAll(retryLanes: Bool = false) {
        for worker in workers.values where worker.leases.count < worker.capacity || retryLanes { grant(to: worker) }
    }
}
