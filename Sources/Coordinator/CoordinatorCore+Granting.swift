import Model
import Planning
import Wire

extension CoordinatorCore {
    /// Gives `worker` grants until it holds as many as its capacity (plus at most one grant of
    /// retries in its retry lane) or no work fits it. Only this loop makes leases, so a worker
    /// never holds more than `capacity` (capped by its hello) + 1, whatever it claims.
    /// With `freshOnly`, only tests of the builds' queues, no retries: results that arrived but
    /// are not stored and applied yet may end a test (a pass) or need its retry themselves.
    func grant(to worker: WorkerEntry, freshOnly: Bool = false) {
        profile.measure(\.granting) { grantLoop(worker, freshOnly: freshOnly) }
        // Retries its leases queued early (`BuildState.queueEarlyRetries`) go to the other
        // workers now, busy or not.
        guard earlyRetriesQueued else { return }
        earlyRetriesQueued = false
        grantAll(retryLanes: true)
    }

    private func grantLoop(_ worker: WorkerEntry, freshOnly: Bool) {
        while worker.capacity > 0 {
            // A busy worker still takes one grant of retries, which its retry lane runs at once:
            // a failure's retries and confirmation runs start as soon as it is reported, not
            // when the build's queue next frees a slot.
            let (ordinary, laneFree) = held(by: worker)
            let room = ordinary < worker.capacity
            guard room || laneFree else { return }
            let toLane = ordinary > 0 && laneFree
            guard let (build, tests, isRetry) = nextWork(for: worker, running: ordinary, toLane: toLane, pending: room,
                                                         retries: !freshOnly)
            else {
                // Idle with no queue to take from: maybe another worker's lease can spare some.
                if ordinary == 0 && laneFree { reclaimWork(for: worker) }
                return
            }
            let lane = isRetry && toLane
            for part in Self.bySuite(tests, of: build) { lease(part, of: build, to: worker, lane: lane) }
        }
    }

    /// An assign carries one suite (its directory, command, environment): a chunk that spans
    /// suites goes out as one lease per suite, in the chunk's order. Almost every chunk is of
    /// one suite, and is returned as it is.
    static func bySuite(_ tests: [(index: Int, attempt: Int)], of build: BuildState) -> [[(index: Int, attempt: Int)]] {
        guard let first = tests.first.map({ build.planned.tests[$0.index].suite }),
              tests.contains(where: { build.planned.tests[$0.index].suite != first })
        else { return [tests] }
        var parts: [Int: [(index: Int, attempt: Int)]] = [:]
        var order: [Int] = []
        for test in tests {
            let suite = build.planned.tests[test.index].suite
            if parts[suite] == nil { order.append(suite) }
            parts[suite, default: []].append(test)
        }
        return order.map { parts[$0]! }
    }

    /// Makes one lease of `tests` (all of one suite) for `worker` and sends its assign.
    private func lease(_ tests: [(index: Int, attempt: Int)], of build: BuildState, to worker: WorkerEntry, lane: Bool) {
        let id = nextLease
        nextLease &+= 1
        var remaining: [Int: Int] = [:]
        remaining.reserveCapacity(tests.count)
        var granted: [GrantedTest] = []
        granted.reserveCapacity(tests.count)
        var work = build.planned.grantCost + 0.001 * Double(tests.count)
        let warm = BuildState.WarmPlace(worker: worker.id, suite: build.planned.tests[tests[0].index].suite)
        let pytest = build.planned.suites[warm.suite].adapter == .pytest
        // Tracked where sessions keep their place: pytest's, and any build whose tests have homes.
        let tracked = pytest || !build.planned.homes.isEmpty
        let furthest = build.furthestWarm[warm]
        var reached = furthest
        // The first (in plan order) of the tests behind the session's place, and its slot here.
        var behindHead: (index: Int, slot: Int)?
        // The first of those the session runs in order, and its slot.
        var inOrderHead: (index: Int, slot: Int)?
        for (index, attempt) in tests {
            remaining[index] = attempt
            work += build.planned.tests[index].predicted
            let context = attempt == 2 ? build.retryContexts[index] ?? [] : []
            let alone = attempt == 1 && build.outOfOrder.contains(index)
            // A test sent ahead on purpose (failed-first, long) does not move the session's place.
            let ahead = build.sentAhead.contains(index)
            let inOrder = tracked && attempt == 1 && !alone && !ahead
            // The previous build's failures, sent first, run as tests behind the session's place
            // do: together, in a fork server's child. Run at the session's head, they set their
            // module's fixtures up there long before its place in the order, and when the rest
            // of the file came the module was made again in that process, which no plain run
            // does (sphinx 8.1.3: its shared build results were cleared, and
            // test_intl.py::test_text_emit_warnings failed with `--retries 0`).
            let fresh = pytest && attempt == 1 && !alone && (ahead || (inOrder && furthest.map { index < $0 } == true))
            granted.append(GrantedTest(name: build.planned.tests[index].name, attempt: attempt, context: context, alone: alone,
                                       fresh: fresh))
            if inOrder && !fresh {
                reached = max(reached ?? index, index)
                if index < inOrderHead?.index ?? .max { inOrderHead = (index, granted.count - 1) }
            }
            if fresh && inOrder && index < behindHead?.index ?? .max { behindHead = (index, granted.count - 1) }
            if attempt == 1 && build.queueEarlyRetries(index, firstAttemptTo: worker.id) { earlyRetriesQueued = true }
        }
        if reached != furthest { build.furthestWarm[warm] = reached }
        // Behind the session's place, in order: the fork server's child runs what a plain run
        // ran just before the first of them, cheaply (`BuildState.freshContext`). The session's
        // first tests in this build, in the middle of a file: it runs the file's nearest
        // earlier ones first (`BuildState.startContext`).
        let sessionStart = pytest && furthest == nil ? inOrderHead : nil
        if behindHead != nil || sessionStart != nil {
            let held = Set(tests.map(\.index))  // the grant's own results, never a context
            if let behindHead { granted[behindHead.slot].context = build.freshContext(before: behindHead.index, excluding: held) }
            if let sessionStart {
                granted[sessionStart.slot].context = build.startContext(before: sessionStart.index, excluding: held)
            }
        }
        build.grantedWork += work
        build.inFlightWork += work
        let indices = tests.map(\.index)
        let budget = leaseBudget(build, tests: indices)
        let life = budget &* UInt64(max(1, config.grantsPerSlot))
        var lease = Lease(id: id, worker: worker.identity, build: build.id, remaining: remaining,
                          deadline: clock &+ life, budget: budget, work: work, retryLane: lane)
        if !lane { lease.order = indices }
        lease.grantedAt = clock
        leases[id] = lease
        worker.leases.insert(id)
        if profile.enabled, let retry = tests.first(where: { $0.attempt > 1 }) {
            // Failure handling's timeline (TESTFLEET_TRACE): when each further attempt went out.
            let at = profile.now
            effects.append(.log(String(format: "trace %.3f leased attempt %d of %@ (%d test(s)%@) to %@", at, retry.attempt,
                                       build.planned.tests[retry.index].name, tests.count, lane ? ", retry lane" : "", worker.id)))
        } else if profile.enabled {
            // The balance's timeline: which stretch of the plan each grant took, predicted how long.
            effects.append(.log(String(format: "trace %.3f leased %d test(s), plan %d…%d, %.2f s predicted (%d fresh) to %@", profile.now,
                                       tests.count, indices.min() ?? 0, indices.max() ?? 0, work, granted.filter(\.fresh).count,
                                       worker.id)))
        }
        let suite = suiteForGrant(build, tests: indices)
        let modules = lane ? [] : build.testFilesToSend(suite: build.planned.tests[indices[0]].suite, to: worker.identity)
        send(.assign(Assign(lease: id, build: build.id, suite: suite,
                            deadlineMilliseconds: Int(min(life, UInt64(Int.max))), tests: granted,
                            workspace: build.workspace, modules: modules)), to: worker.identity)
    }

    /// Running builds in the order they get workers: higher priority first; among equal
    /// priorities the one that has been granted the least work (a fair share each); then age.
    func servingOrder() -> [BuildState] {
        let running = runningBuilds
        return running.enumerated().sorted { a, b in
            if a.element.priority != b.element.priority { return a.element.priority > b.element.priority }
            if a.element.grantedWork != b.element.grantedWork { return a.element.grantedWork < b.element.grantedWork }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// The next tests for a worker, with the attempt each runs, and whether they are retries:
    /// retries of any build first, builds in `servingOrder` (ones this worker did not fail, when
    /// another worker could take them), then the scheduler's next chunk of the first build in
    /// `servingOrder` with work left. Builds it refused, let expire or could not set up are
    /// skipped. `running`: the worker's grants in its slots (not its retry lane); `toLane`:
    /// retries would go to its free retry lane; `pending`: it has room for more than retries.
    func nextWork(for worker: WorkerEntry, running: Int, toLane: Bool, pending: Bool, retries: Bool = true)
        -> (BuildState, [(index: Int, attempt: Int)], isRetry: Bool)?
    {
        let onlyWorker = workers.count <= 1
        let slotsOnline = self.slotsOnline
        let order = servingOrder().filter {
            !worker.shunnedBuilds.contains($0.id) && $0.faultedWorkers[worker.id] == nil
        }
        for build in order where retries && !build.retries.isEmpty {
            if !toLane && !policy.mayGrant(running: running, grantCost: build.planned.grantCost) { continue }
            let onlyOfArch = !workers.values.contains { $0.arch == worker.arch && $0.id != worker.id }
            // An early retry waits for the lane while this slot has first attempts to take.
            let taken = build.takeRetries(
                for: worker.id, arch: worker.arch, onlyWorker: onlyWorker, onlyOfArch: onlyOfArch, limit: 64,
                lateOnly: !toLane && pending && !build.pending.isEmpty)
            if !taken.isEmpty { return (build, taken, true) }
        }
        for build in order where pending {
            // Prefetching a second grant hides a round trip, which only matters when grants are
            // cheap; an expensive grant (a framework process) prefetched would just sit queued
            // on one worker while another idles.
            if !policy.mayGrant(running: running, grantCost: build.planned.grantCost) { continue }
            // A share of what the whole fleet holds at once: every slot's grants, prefetched included.
            let shares = policy.shares(slotsOnline: slotsOnline, expectedWorkers: config.expectedWorkers,
                                       grantCost: build.planned.grantCost, guessed: build.planned.firstBuild)
            if !build.planned.homes.isEmpty { build.pending.attendedHomes = attendedHomes(of: build) }
            var cases = scheduler.nextGrant(from: &build.pending, arch: worker.arch, home: build.planned.homes[worker.id],
                                            workers: shares, grantCost: build.grantCostAtPace)
            if !build.outOfOrder.isEmpty { Self.keepUnitsTogether(&cases, of: build) }
            if !cases.isEmpty { return (build, cases.map { ($0.index, 1) }, false) }
        }
        return nil
    }

    /// A grant of `build` that holds tests sent ahead for length (`BuildState.outOfOrder`): a
    /// long test's unit-mates, sent ahead with it, join it in the grant (one child runs them),
    /// and the grant's such tests go in plan (collection) order, not longest first, so two long
    /// tests of one class that share that child run in their class's order.
    static func keepUnitsTogether(_ cases: inout [TestCase], of build: BuildState) {
        if let last = cases.last, build.outOfOrder.contains(last.index) {
            cases += build.pending.popRest(ofUnitOf: last)
        }
        let alone = cases.indices.filter { build.outOfOrder.contains(cases[$0].index) }
        guard alone.count > 1 else { return }
        let ordered = alone.map { cases[$0] }.sorted { $0.index < $1.index }
        for (slot, test) in zip(alone, ordered) { cases[slot] = test }
    }

    /// The homes (`PlannedBuild.homes`) of `build` whose worker is connected and still takes its
    /// work: only their tests wait for them (`PendingQueue.earlierHomeFloorSeconds`); a lost
    /// worker's are anyone's.
    func attendedHomes(of build: BuildState) -> Set<UInt8> {
        Set(workers.values.compactMap { worker in
            worker.shunnedBuilds.contains(build.id) || build.faultedWorkers[worker.id] != nil ? nil : build.planned.homes[worker.id]
        })
    }

    /// Slots of the connected workers, each capped as its capacity is (grants are sized from it).
    var slotsOnline: Int { workers.values.reduce(0) { $0 + min($1.slots, config.maxSlotsPerWorker) } }

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
        for worker in workers.values where retryLanes || held(by: worker).ordinary < worker.capacity { grant(to: worker) }
    }

    /// The grants a worker still runs in its slots (leases whose results have all arrived do
    /// not count, stored or not), and whether its retry lane is free.
    func held(by worker: WorkerEntry) -> (ordinary: Int, laneFree: Bool) {
        var ordinary = 0, laneFree = true
        for id in worker.leases {
            guard let lease = leases[id], !lease.ranOut else { continue }
            if lease.retryLane { laneFree = false } else { ordinary += 1 }
        }
        return (ordinary, laneFree)
    }
}
