import Foundation
import Model
import Planning
import Store
import Wire

extension CoordinatorLoop {
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
                                deadlineMilliseconds: config.workerTimeoutMilliseconds, tests: granted)), to: worker.identity)
        }
    }

    /// The next tests for a worker: the oldest build's retries first (ones this worker did not
    /// fail, when another worker could take them), then the scheduler's next chunk.
    func nextWork(for worker: WorkerEntry) -> (BuildState, [Int])? {
        let onlyWorker = workers.count <= 1
        for id in buildOrder {
            guard let build = builds[id], !build.finished else { continue }
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

    /// Forgets a worker and requeues the unreported tests of its leases (at the front).
    func dropWorker(_ worker: WorkerEntry, reason: String) {
        workers[worker.identity] = nil
        for id in worker.leases {
            guard let lease = leases.removeValue(forKey: id) else { continue }
            builds[lease.build]?.requeue(lease.remaining)
        }
        if !worker.leases.isEmpty { log("worker \(worker.id) lost (\(reason)); \(worker.leases.count) lease(s) requeued") }
        worker.leases.removeAll()
        grantAll()
    }

    /// Timers: dead workers, heartbeats, progress, and a retry of grants to idle workers.
    func housekeeping(now: UInt64) {
        for worker in Array(workers.values) where now &- worker.lastSeen > UInt64(config.workerTimeoutMilliseconds) {
            dropWorker(worker, reason: "silent for \(now &- worker.lastSeen) ms")
        }
        // A timer of its own: housekeeping runs at uneven intervals, and a heartbeat a worker
        // misses makes it think the coordinator restarted (it says hello again and its running
        // grants are requeued and run twice).
        if now &- lastHeartbeatSent >= UInt64(config.heartbeatMilliseconds) {
            lastHeartbeatSent = now
            for worker in workers.values { send(.heartbeat(Heartbeat()), to: worker.identity) }
        }
        for id in buildOrder {
            guard let build = builds[id], !build.finished, now &- build.lastProgressAt >= 250 else { continue }
            build.lastProgressAt = now
            let progress = BuildProgress(build: id, done: build.finalCount, total: build.total, failed: build.failedCount,
                                    workers: workers.count)
            service.progressHandler?(progress)
            for client in build.watchers { send(.progress(progress), to: client) }
        }
        grantAll()
    }

    /// Takes a planned build in: stores it (unless resumed), queues it, starts dispatching.
    func admit(_ planned: PlannedBuild, watcher: [UInt8]?) {
        if let existing = builds[planned.spec.id] {
            if let watcher { existing.watchers.insert(watcher) }
            return
        }
        do {
            try store.createBuild(planned.spec, testCount: planned.tests.count)
            if let selection = planned.selection { try store.recordSelection(build: planned.spec.id, selection) }
        } catch {
            reject(planned.spec.id, TestfleetError(error), watcher: watcher)
            return
        }
        start(planned, stored: [:], watcher: watcher)
    }

    func start(_ planned: PlannedBuild, stored: [String: (attempt: Int, outcome: Outcome, worker: String)], watcher: [UInt8]?) {
        let build = BuildState(planned: planned, now: Self.now())
        if let watcher { build.watchers.insert(watcher) }
        builds[planned.spec.id] = build
        buildOrder.append(planned.spec.id)
        build.queueUnfinished(stored: stored)
        if build.isComplete { finish(build) } else { grantAll() }
    }

    /// A build from a `submit` client: attach to it if it exists, else plan and admit it.
    func admitSubmitted(_ spec: BuildSpec, client: [UInt8]) {
        if let existing = builds[spec.id] {
            existing.watchers.insert(client)
            if existing.finished, let outcome = service.outcomes.withLock({ $0[spec.id] }) { sendVerdict(outcome, to: client) }
            return
        }
        do {
            try spec.validate()
            if let record = try store.build(spec.id), record.isFinished {
                let (verdict, code) = try service.verdictProvider(spec.id)
                sendVerdict(BuildOutcome(build: spec.id, verdict: verdict, exitCode: code), to: client)
                return
            }
            admit(try service.planner(spec), watcher: client)
        } catch {
            reject(spec.id, TestfleetError(error), watcher: client)
        }
    }

    /// Refuses a build: a client hears the error (bad input or infrastructure, by its code); an
    /// in-process submitter gets a failed outcome with the error's exit code.
    func reject(_ build: String, _ error: TestfleetError, watcher: [UInt8]?) {
        log("build \(build) rejected: \(error.message)")
        if let watcher {
            send(.error(ErrorMessage(rejecting: error)), to: watcher)
        } else {
            let verdict = Verdict(build: build, commit: nil, verdict: .fail, counts: .init(), failures: [],
                                  reasons: [error.message], simulated: false, suite: "")
            service.publish(BuildOutcome(build: build, verdict: verdict, exitCode: error.code.rawValue))
        }
    }

    /// All tests are final: compute the verdict, mark the build finished, tell whoever waits.
    func finish(_ build: BuildState) {
        build.finished = true
        let outcome: BuildOutcome
        do {
            if profile.enabled { log("all results stored at \(Self.now() &- build.startedAt) ms; \(profile)") }
            let (verdict, code) = try service.verdictProvider(build.id)
            try store.finishBuild(build.id, verdict: verdict.verdict, outage: verdict.outageSuspected)
            outcome = BuildOutcome(build: build.id, verdict: verdict, exitCode: code)
        } catch {
            log("could not finish build \(build.id): \(error)")
            let verdict = Verdict(build: build.id, commit: build.planned.spec.commit, verdict: .fail, counts: .init(),
                                  failures: [], reasons: ["store error: \(error)"], simulated: build.planned.spec.isSimulated,
                                  suite: build.planned.spec.suite)
            outcome = BuildOutcome(build: build.id, verdict: verdict, exitCode: TestfleetError.Code.infrastructure.rawValue)
        }
        let progress = BuildProgress(build: build.id, done: build.finalCount, total: build.total, failed: build.failedCount,
                                workers: workers.count)
        service.progressHandler?(progress)
        service.publish(outcome)
        for client in build.watchers { sendVerdict(outcome, to: client) }
        buildOrder.removeAll { $0 == build.id }
    }

    func sendVerdict(_ outcome: BuildOutcome, to client: [UInt8]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = (try? encoder.encode(outcome.verdict)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        send(.verdict(VerdictMessage(build: outcome.build, json: json, exitCode: Int(outcome.exitCode))), to: client)
    }

    /// Answers a client's request for a finished build's results as a document. It runs on the
    /// loop (a 100k-test JUnit document takes a fraction of a second to render); a build still
    /// running, or one this store does not have, gets an error the client reports.
    func sendReport(_ request: ReportRequest, to client: [UInt8]) {
        if let build = builds[request.build], !build.finished {
            send(.error(ErrorMessage(code: "not-finished", message: "build \(request.build) is still running")), to: client)
            return
        }
        guard let provider = service.reportProvider else {
            send(.error(ErrorMessage(code: "bad-request", message: "this coordinator does not render reports")), to: client)
            return
        }
        do {
            let document = try provider(request.build, request.format)
            send(.report(Report(build: request.build, format: request.format, document: document)), to: client)
        } catch {
            send(.error(ErrorMessage(code: "bad-request", message: "\(error)")), to: client)
        }
    }

    /// After a restart: every build the store holds as running is planned again and continues
    /// from its stored results.
    func resumeUnfinishedBuilds() throws {
        for record in try store.unfinishedBuilds() {
            do {
                let planned = try service.planner(record.spec)
                var stored: [String: (attempt: Int, outcome: Outcome, worker: String)] = [:]
                for result in try store.results(build: record.spec.id) {  // ordered by attempt within a test
                    stored[result.test] = (result.attempt, result.outcome, result.worker)
                }
                log("resuming build \(record.spec.id): \(stored.count) of \(planned.tests.count) tests have results")
                start(planned, stored: stored, watcher: nil)
            } catch {
                log("cannot resume build \(record.spec.id): \(error)")
            }
        }
    }
}
