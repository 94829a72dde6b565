import Model
import Wire

/// Work stealing at a build's end. A worker that has run out of work, while no queue holds any
/// it could take, gets part of another worker's lease: that worker is asked (`Reclaim`) to give
/// back the lease's tests past a point that have not started, and they go back to the queue.
///
/// Why: a grant's size is a bet on predictions. In a first build they are guesses, and one grant
/// that holds most of a suite's slow tests leaves the other workers idle for seconds at the end
/// (attrs: its two workers' last tests ended 2.25 s apart in an 8.75 s build). Finer grants
/// throughout cost every build their round trips; giving back only when a worker is idle costs
/// nothing until the end, whatever the predictions said.
///
/// A worker whose runner cannot stop a grant early (anything but a warm pytest session) answers
/// with nothing, and that lease is not asked again. Retries' leases are never reclaimed.
extension CoordinatorCore {
    /// Predicted seconds a reclaim must move at least: less would save the idle worker less than
    /// it may spend collecting those tests' modules.
    static let reclaimFloorSeconds = 0.5

    /// Asks the lease whose waiting tests hold the most predicted work (past the two its worker
    /// has started or set up) for the half of it at its end, on behalf of `thief`, an idle
    /// worker of the same arch. Nothing happens when no lease has enough to give.
    func reclaimWork(for thief: WorkerEntry) {
        var best: (lease: Lease, keepThrough: Int, work: Double)?
        for lease in leases.values where !lease.retryLane && !lease.keepsItsTests && lease.reclaim == nil {
            // What it was granted bounds what it can give: most leases at a build's end are
            // small, and are passed over before their tests are looked at.
            guard lease.work >= Self.reclaimFloorSeconds, lease.notArrived >= 3,
                  lease.worker != thief.identity, workers[lease.worker]?.arch == thief.arch,
                  let build = builds[lease.build], !build.finished,
                  !thief.shunnedBuilds.contains(build.id), build.faultedWorkers[thief.id] == nil,
                  let split = Self.reclaimSplit(lease, build),
                  split.work >= max(Self.reclaimFloorSeconds, 4 * build.planned.grantCost), split.work > best?.work ?? 0
            else { continue }
            best = (lease, split.keepThrough, split.work)
        }
        guard let best, let build = builds[best.lease.build] else { return }
        let id = nextReclaim
        nextReclaim &+= 1
        leases[best.lease.id]?.reclaim = id
        let keepThrough = build.planned.tests[best.keepThrough].name
        send(.reclaim(Reclaim(lease: best.lease.id, build: build.id, id: id, keepThrough: keepThrough)), to: best.lease.worker)
    }

    /// Where to cut a lease: its tests still waiting (no result arrived), in the order its worker
    /// runs them, split so the tail holds about half their predicted work. The first two stay:
    /// one is running, and pytest has set up for the next. Nil when fewer than three wait.
    static func reclaimSplit(_ lease: Lease, _ build: BuildState) -> (keepThrough: Int, work: Double)? {
        let waiting = lease.order.filter { lease.remaining[$0] != nil && !lease.arrived.contains($0) }
        guard waiting.count >= 3 else { return nil }
        let predicted = waiting.map { build.planned.tests[$0].predicted }
        let half = predicted.reduce(0, +) / 2
        var cut = waiting.count, tail = 0.0
        while cut > 2 && tail < half {
            cut -= 1
            tail += predicted[cut]
        }
        return (waiting[cut - 1], tail)
    }

    /// A worker answered a reclaim of `batch.lease`: the tests it gave back that the lease still
    /// waits for leave the lease, go to the front of their build's queue, and from there to
    /// workers with room. An answer of nothing marks the lease as one that keeps its tests.
    func handedBack(_ batch: ResultBatch, build: BuildState) {
        guard var lease = leases[batch.lease], let answered = batch.answersReclaim, lease.reclaim == answered else { return }
        lease.reclaim = nil
        var back: [Int: Int] = [:]
        for name in batch.handedBack {
            guard let index = build.index(of: name), let attempt = lease.remaining[index], !lease.arrived.contains(index)
            else { continue }
            lease.remaining[index] = nil
            lease.notArrived -= 1
            back[index] = attempt
        }
        if back.isEmpty {
            lease.keepsItsTests = true
            leases[lease.id] = lease
            return
        }
        let work = back.keys.reduce(0.0) { $0 + build.planned.tests[$1].predicted }
        lease.work -= work
        build.inFlightWork -= work
        build.grantedWork -= work
        lease.order.removeAll { back[$0] != nil }
        leases[lease.id] = lease
        testsHandedBack += back.count
        if profile.enabled {
            effects.append(.log("lease \(lease.id) of build \(build.id) gave back \(back.count) test(s), \(work) s predicted"))
        }
        build.requeue(back)
        // Idle workers first: the tests came back for them, and a busy worker with room for a
        // prefetched grant (the one that gave them back, often) would otherwise take them again.
        for worker in workers.values where worker.identity != lease.worker && held(by: worker).ordinary == 0 {
            grant(to: worker)
        }
        if lease.remaining.isEmpty {
            endLease(lease)
        } else if lease.ranOut, let worker = workers[lease.worker] {
            grant(to: worker, freshOnly: true)
        }
        grantAll()
    }
}
