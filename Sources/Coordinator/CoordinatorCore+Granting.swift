import Model
import Planning
import Wire

extension CoordinatorCore {
    /// Gives `worker` grants until it holds as many as its capacity or no work fits it.
    func grant(to worker: WorkerEntry) {
        profile.measure(\.granting) { grantLoop(worker) }
    }

    private func grantLoop(_ worker: WorkerEntry) {
        while worker.leases.count < worker.capacity {
            guard let (build, tests) = nextWork(for: worker) else { return }
            let id = nextLease
            nextLease += 1
            var remaining: [Int: Int] = [:]
            remaining.reserveCapacity(tests.count)
            var granted: [GrantedTest] = []
            granted.reserveCapacity(tests.count)
            for index in tests {
                let attempt = build.status[index].attempt
                remaining[index] = attempt
                granted.append(GrantedTest(name: build.planned.tests[index].name, attempt: attempt))
            }
            leases[id] = Lease(id: id, worker: worker.identity, build: build.id, remaining: remaining)
            worker.leases.insert(id)
            let suite = suiteForGrant(build, tests: tests)
            send(.assign(Assign(lease: id, build: build.id, suite: suite,
                                deadlineMilliseconds: config.workerTimeoutMilliseconds, tests: granted,
                                workspace: build.workspace)), to: worker.identity)
        }
    }

    /// The next tests for a worker: the oldest build's retries first (ones this worker did not
    /// fail, when another worker could take them), then the scheduler's next chunk.
    func nextWork(for worker: WorkerEntry) -> (BuildState, [Int])? {
        let onlyWorker = workers.count <= 1
        for id in buildOrder {
            guard let build = builds[id], !build.finished, build.faultedWorkers[worker.id] == nil else { continue }
            // Prefetching a second grant hides a round trip, which only matters when grants are
            // cheap; an expensive grant (a framework process) prefetched would just sit queued
            // on one worker while another idles.
            if !worker.leases.isEmpty && build.planned.grantCost >= Self.prefetchCostLimit { continue }
            if !build.retries.isEmpty {
                let onlyOfArch = !workers.values.contains { $0.arch == worker.arch && $0.id != worker.id }
                let taken = build.takeRetries(
                    for: worker.id, arch: worker.arch, onlyWorker: onlyWorker, onlyOfArch: onlyOfArch, limit: 64)
                if !taken.isEmpty { return (build, taken) }
            }
            let cases = scheduler.nextGrant(
                from: &build.pending, arch: worker.arch, workers: max(workers.count, config.expectedWorkers, 1),
                grantCost: build.planned.grantCost)
            if !cases.isEmpty { return (build, cases.map(\.index)) }
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

    func grantAll() {
        for worker in workers.values where worker.leases.count < worker.capacity { grant(to: worker) }
    }
}
