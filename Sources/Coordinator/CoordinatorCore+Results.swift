import Foundation
import Model
import Wire

extension CoordinatorCore {
    /// Checks a result batch before anything of it is stored: only results from a worker with a
    /// session, for a lease it holds, of a test and attempt that lease still waits for, go on to
    /// the store. Everything else is refused (the worker is told, so it stops sending it) and
    /// logged: one forged message must not change a build's results or its verdict.
    func receiveResults(_ batch: ResultBatch, from identity: [UInt8]) {
        guard let worker = workers[identity] else {
            refuse(batch, from: identity, "no session (say hello first)")
            askToSayHello(identity)
            return
        }
        // The lease's fields, not the lease: a copy of it alive here would make `noteArrived`
        // copy its set of arrived tests for every batch.
        guard let lease = leases[batch.lease].map({
                  (worker: $0.worker, build: $0.build, remaining: $0.remaining, ranOut: $0.ranOut, deadline: $0.deadline,
                   budget: $0.budget)
              }),
              lease.worker == identity, lease.build == batch.build, let build = builds[batch.build]
        else {
            // Results of a lease revoked from this worker are the expected race of stopping work
            // in flight (see `EndedLeases`): refused all the same, but not logged.
            let late = endedLeases.ended(batch.lease, heldBy: identity)
            refuse(batch, from: identity, "lease \(batch.lease) of build \(batch.build) is not held by worker \(worker.id)"
                       + (late ? " (revoked before these results came)" : ""), logged: !late)
            return
        }
        if batch.answersReclaim != nil {
            handedBack(batch, build: build)
            if batch.results.isEmpty {
                send(.ack(Ack(sequence: batch.sequence)), to: identity)
                return
            }
        }
        if !batch.holding.isEmpty && batch.results.isEmpty && batch.fault == nil {
            // Acknowledged after the grants it brings: the worker then knows its next work is sent.
            noteHolding(batch.holding, lease: batch.lease, build: build, worker: worker)
            send(.ack(Ack(sequence: batch.sequence)), to: identity)
            return
        }
        if let fault = batch.fault {
            // Nothing to store: the worker could not prepare the build's workspace.
            send(.ack(Ack(sequence: batch.sequence)), to: identity)
            workspaceFault(batch, fault, from: identity)
            return
        }
        let maxAttempt = build.planned.spec.maxAttempts + build.planned.spec.confirmAttempts
        var accepted: [TestResult] = []
        accepted.reserveCapacity(batch.results.count)
        var seen = Set<Int>()
        var rejected = 0
        for var result in batch.results {
            guard let index = build.index(of: result.test), lease.remaining[index] == result.attempt,
                  result.attempt <= maxAttempt, seen.insert(index).inserted
            else {
                rejected += 1
                continue
            }
            // Stored under the worker and arch its session has, whatever the batch says.
            result.worker = worker.id
            result.arch = worker.arch
            accepted.append(result)
        }
        if rejected > 0 {
            effects.append(.log("refused \(rejected) of \(batch.results.count) result(s) from worker \(worker.id) "
                + "for lease \(batch.lease): tests or attempts the lease does not wait for"))
        }
        guard !accepted.isEmpty else {
            send(.ack(Ack(sequence: batch.sequence, refused: "no result of this batch is one lease \(batch.lease) waits for")),
                 to: identity)
            return
        }
        if profile.enabled {
            // Failure handling's timeline (TESTFLEET_TRACE): when each failed or repeated attempt came back.
            let at = profile.now
            for result in accepted where result.attempt > 1 || result.outcome.isFailure {
                effects.append(.log(String(format: "trace %.3f attempt %d %@ %@ on %@", at, result.attempt,
                                           result.outcome.rawValue, result.test, worker.id)))
            }
        }
        var checked = batch
        checked.results = accepted
        received.append(ReceivedBatch(from: identity, batch: checked))
        let wasRunning = !lease.ranOut, deadline = max(lease.deadline, clock &+ lease.budget)
        noteArrived(accepted, lease: batch.lease, build: build, deadline: deadline)
        if wasRunning && leases[batch.lease]?.ranOut == true { ranOut(worker) }
    }

    /// The worker ran the whole of a grant (results or `holding`): its next one goes out now,
    /// while those results are stored (the lease itself ends once they are). Retries wait for
    /// the store: the results may end their tests or queue retries of their own.
    private func ranOut(_ worker: WorkerEntry) {
        worker.lastRanOutAt = clock
        if profile.enabled {
            effects.append(.log(String(format: "trace %.3f %@ ran out of granted work", profile.now, worker.id)))
        }
        grant(to: worker, freshOnly: true)
    }

    /// Notes tests a worker ran and holds back (`ResultBatch.holding`) as arrived, so the lease
    /// may run out and the worker get its next grant now; their results still end the lease.
    private func noteHolding(_ names: [String], lease id: UInt64, build: BuildState, worker: WorkerEntry) {
        guard var lease = leases.removeValue(forKey: id) else { return }
        let wasRunning = !lease.ranOut
        for name in names {
            guard let index = build.index(of: name), lease.remaining[index] != nil, lease.arrived.insert(index).inserted
            else { continue }
            lease.notArrived -= 1
        }
        lease.lastArrivalAt = clock
        leases[id] = lease
        if wasRunning && lease.ranOut { ranOut(worker) }
    }

    /// Notes results of a lease as arrived, changing the lease in place (a copy of it held
    /// elsewhere would make each batch copy its set of arrived tests).
    private func noteArrived(_ results: [TestResult], lease id: UInt64, build: BuildState, deadline: UInt64) {
        guard var lease = leases.removeValue(forKey: id) else { return }
        lease.deadline = deadline
        for result in results {
            guard let index = build.index(of: result.test), lease.arrived.insert(index).inserted else { continue }
            lease.notArrived -= 1
            lease.pace = Self.overrun(seconds: max(0, result.duration), predicted: build.planned.tests[index].predicted)
        }
        lease.lastArrivalAt = clock
        leases[id] = lease
    }

    func refuse(_ batch: ResultBatch, from identity: [UInt8], _ reason: String, logged: Bool = true) {
        if logged {
            effects.append(.log("refused \(batch.results.count) result(s) for build \(batch.build) from \(printable(identity)): \(reason); nothing stored"))
        }
        send(.ack(Ack(sequence: batch.sequence, refused: reason)), to: identity)
    }

    /// The shell stored `batches` (all but those of `failedBuilds`, whose store failed): each
    /// stored batch is acknowledged, then applied. An unacknowledged batch comes again.
    func resultsStored(_ batches: [ReceivedBatch], failedBuilds: Set<String>) {
        for received in batches where !failedBuilds.contains(received.batch.build) {
            send(.ack(Ack(sequence: received.batch.sequence)), to: received.from)
            apply(received.batch)
        }
    }

    /// Updates the build and lease for stored results; finishes leases and builds that are done.
    func apply(_ batch: ResultBatch) {
        // Taken out of the table while it changes, so its dictionary is not copied.
        var lease = leases.removeValue(forKey: batch.lease)
        var retriesQueued = false
        if let build = builds[batch.build] {
            let running = !build.finished
            // Retries held for the build's first failures (`holdsRetriesPastLimit`) go out
            // when those end with the build still able to pass; a lost first build's held for
            // its first attempts (`holdsUndecidedRetries`), once all reported, unless their
            // cause turned out a broad break's (`dropRetriesPastLimit`).
            let holding = running && build.holdsRetries
            for result in batch.results {
                guard let index = build.index(of: result.test) else { continue }
                if lease?.remaining[index] == result.attempt { lease?.remaining[index] = nil }
                if running {
                    build.workMilliseconds += max(0, result.duration) * 1000
                    if build.apply(result, index: index, lease: batch.lease) { retriesQueued = true }
                }
            }
            if holding && !build.holdsRetries {
                if build.cannotPass { build.dropRetriesPastLimit() }
                retriesQueued = true
            }
        }
        if let lease {
            if lease.remaining.isEmpty {
                endLease(lease)
            } else {
                leases[lease.id] = lease
            }
        }
        if let build = builds[batch.build], !build.finished {
            if build.isComplete { finish(build) } else { askAboutFailedConfirmations(of: build) }
        }
        // A failure's retries go out now, to busy workers' retry lanes too, not at the next timer.
        if retriesQueued { grantAll(retryLanes: true) }
    }
}
