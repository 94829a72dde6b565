import Model
import Wire

/// Leases ending: reported in full, taken back from a worker that left, refused, outlived, or of
/// a build that ended. Whatever ends a lease, its unreported tests go back to their build.
extension CoordinatorCore {
    /// A lease whose tests are all reported: its worker has room for more.
    func endLease(_ lease: Lease) {
        forget(lease)
        if let worker = workers[lease.worker] { grant(to: worker) }
    }

    /// The one place a lease leaves the books, whatever ended it: out of the lease table, out of
    /// its build's work in flight (fair share counts that), out of its worker's set.
    func forget(_ lease: Lease) {
        leases[lease.id] = nil
        builds[lease.build]?.inFlightWork -= lease.work
        workers[lease.worker]?.leases.remove(lease.id)
    }

    /// A local worker process exited: its leases are requeued now, not after the timeout.
    func workerLost(pid: Int) {
        if let worker = workers.values.first(where: { $0.pid == pid }) {
            dropWorker(worker.identity, reason: "process \(pid) exited")
        }
    }

    /// Forgets a worker and requeues the unreported tests of its leases (at the front).
    func dropWorker(_ identity: [UInt8], reason: String) {
        guard let worker = workers.removeValue(forKey: identity) else { return }
        for id in worker.leases {
            guard let lease = leases[id] else { continue }
            forget(lease)
            builds[lease.build]?.requeue(lease.remaining)
        }
        if !worker.leases.isEmpty {
            effects.append(.log("worker \(worker.id) lost (\(reason)); \(worker.leases.count) lease(s) requeued"))
        }
        worker.leases.removeAll()
        grantAll()
    }

    /// Takes a lease back from its (still connected) worker: its unreported tests go back to
    /// the build, the worker is told to drop it, and with `shun` it gets no more of that build.
    func takeBack(_ id: UInt64, reason: String, shun: Bool) {
        guard let lease = leases[id] else { return }
        forget(lease)
        builds[lease.build]?.requeue(lease.remaining)
        if let worker = workers[lease.worker] {
            if shun { worker.shunnedBuilds.insert(lease.build) }
            endedLeases.insert(id, worker: lease.worker)
            send(.revoke(Revoke(lease: id, reason: reason)), to: lease.worker)
        }
        grantAll()
    }

    /// A worker could not take a grant: the lease comes back and its tests go to other workers.
    func refused(_ refusal: Refusal, from identity: [UInt8]) {
        guard let worker = workers[identity], let lease = leases[refusal.lease], lease.worker == identity else {
            effects.append(.log("ignored a refusal of lease \(refusal.lease) from \(printable(identity)), which does not hold it"))
            return
        }
        effects.append(.log("worker \(worker.id) refused lease \(refusal.lease) of build \(lease.build): \(refusal.reason); "
            + "its \(lease.remaining.count) test(s) go to other workers"))
        takeBack(refusal.lease, reason: "refused", shun: true)
    }

    /// Leases past their deadline are taken back even while their workers heartbeat: a worker
    /// that is alive but never finishes must not hold tests forever.
    func expireLeases() {
        var expired: [Lease] = []
        for lease in leases.values where lease.deadline <= clock { expired.append(lease) }
        leaseExpiries += expired.count
        for lease in expired {
            let name = workers[lease.worker]?.id ?? printable(lease.worker)
            effects.append(.log("lease \(lease.id) of build \(lease.build) outlived its deadline on worker \(name); "
                + "\(lease.remaining.count) test(s) go to other workers"))
            takeBack(lease.id, reason: "deadline passed", shun: true)
        }
    }

    /// How long a grant of `tests` may take: what the worker's adapters allow its tests (their
    /// timeout each, at most two hours for the grant) and the grace, counting that up to
    /// `grantsPerSlot` grants queue on one slot.
    func leaseBudget(_ build: BuildState, tests: [Int]) -> UInt64 {
        let suite = build.planned.suites[build.planned.tests[tests[0]].suite]
        let testSeconds = min(suite.timeout * Double(tests.count), max(suite.timeout, 7200))
        let milliseconds = testSeconds * 1000 + Double(config.leaseGraceMilliseconds)
        return UInt64(max(Double(config.workerTimeoutMilliseconds), milliseconds))
    }

    /// Revokes every lease of a build that ended (cancelled, aborted): its workers stop it.
    func revokeLeases(of build: String, reason: String) {
        for lease in Array(leases.values) where lease.build == build {
            forget(lease)
            guard workers[lease.worker] != nil else { continue }
            endedLeases.insert(lease.id, worker: lease.worker)
            send(.revoke(Revoke(lease: lease.id, reason: reason)), to: lease.worker)
        }
    }
}
