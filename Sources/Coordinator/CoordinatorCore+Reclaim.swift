import Model
import Planning
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
/// A worker whose runner cannot stop a grant early (anything but a warm pytest session, or the
/// fork server's child that runs a grant's first attempts behind the session's place) answers
/// with nothing, and that lease is not asked again. Retries' leases are never reclaimed.
extension CoordinatorCore {
    /// Expected seconds (see `reclaimSplit`) a reclaim must move at least: less would save the
    /// idle worker less than it may spend collecting those tests' modules.
    static let reclaimFloorSeconds = 0.5
    static let reclaimFloorMilliseconds = UInt64(reclaimFloorSeconds * 1000)

    /// Asks the lease whose waiting tests hold the most expected work (past the one its worker
    /// runs) for the half of it at its end, on behalf of `thief`, an idle worker of the same
    /// arch. Nothing happens when no lease has enough to give.
    func reclaimWork(for thief: WorkerEntry) {
        var best: (lease: Lease, split: Split)?
        for lease in leases.values where !lease.retryLane && !lease.keepsItsTests && lease.reclaim == nil {
            guard lease.notArrived >= 2, lease.worker != thief.identity, let victim = workers[lease.worker],
                  victim.arch == thief.arch else { continue }
            // Most leases at a build's end are small and on time: passed over before their tests
            // are looked at.
            let runningFor = started(lease, on: victim) ? lease.runningFor(now: clock, workerRanOutAt: victim.lastRanOutAt) : 0
            guard lease.work * lease.pace >= Self.reclaimFloorSeconds || runningFor >= Self.reclaimFloorMilliseconds,
                  let build = builds[lease.build], !build.finished,
                  !thief.shunnedBuilds.contains(build.id), build.faultedWorkers[thief.id] == nil,
                  let split = Self.reclaimSplit(lease, build, runningFor: runningFor),
                  split.work >= max(Self.reclaimFloorSeconds, 4 * build.planned.grantCost), split.work > best?.split.work ?? 0,
                  !Self.backwardAndSmall(split, lease, build, thief: thief, runningFor: runningFor),
                  !build.givesBackEarlyRetried(split.given(of: lease.waiting))
            else { continue }
            best = (lease, split)
        }
        guard let best, let build = builds[best.lease.build] else { return }
        let id = nextReclaim
        nextReclaim &+= 1
        leases[best.lease.id]?.reclaim = id
        let keepThrough = build.planned.tests[best.split.keepThrough].name
        send(.reclaim(Reclaim(lease: best.lease.id, build: build.id, id: id, keepThrough: keepThrough,
                              alternate: best.split.alternate)), to: best.lease.worker)
    }

    /// Whether taking `split` of `lease` would have `thief`'s session run tests before ones later
    /// in the suite's collection order that it already ran (`BuildState.furthestWarm`; tests with
    /// homes only), for less predicted work than `PendingQueue.earlierHomeFloorSeconds`:
    /// the queue does not lend an earlier home's last few tests either, for the same reason.
    /// The lease's pace does not count here: scaled by a long test that outran its prediction
    /// (pyrsistent's hypothesis tests, 2–3 s, predicted ~1 s), a hundred millisecond tests look
    /// worth a reclaim, and every other one of them went to the idle worker, where 8–29 failed
    /// after `vector_test.py` had reloaded a module. Their own files' scales do, as in the
    /// queue (`PendingQueue.fileScales`): dateutil's first builds gave one worker
    /// `test_tzpath_data.py`'s last eight tests in one grant, 0.4 s predicted and 11 s taken,
    /// and the other worker, which had run its first two and then later files, sat idle for
    /// 10 s (17.2 s against `pytest -n 2`'s 16 s). Such tests go out `fresh` now (a warm session
    /// never runs a test after later ones), so what is left to weigh is a fresh process's cost.
    ///
    /// The running test (`runningFor` milliseconds so far) weighs its own file as its result
    /// will: WebTest 3.0.1's first builds kept `test_http.py`'s last 0.9 s tests with the worker
    /// running the first of them, predicted 50 ms each, until that one reported, while the
    /// other worker idled.
    static func backwardAndSmall(_ split: Split, _ lease: Lease, _ build: BuildState, thief: WorkerEntry,
                                 runningFor: UInt64 = 0) -> Bool {
        // Scales are at least 1: a split worth the floor as predicted is worth it weighed too.
        let waiting = lease.waiting
        // Behind the thief's place, the tests go to a process of their own, which pays the
        // suite's session set-up again (`PendingQueue.processSetupSeconds`).
        let floor = PendingQueue.earlierHomeFloorSeconds + build.planned.processSetupSeconds
        guard let first = waiting.first, split.predicted < floor,
              let furthest = build.furthestWarm[BuildState.WarmPlace(worker: thief.id, suite: build.planned.tests[first].suite)],
              waiting.dropFirst().contains(where: { $0 < furthest && build.planned.tests[$0].home != nil })
        else { return false }
        let runningFile = TestFile.of(test: build.planned.tests[first].name)
        let runningScale = build.fileScale(of: first, running: Double(runningFor) / 1000)
        // In a first build, a test is worth at least what its siblings in the file's other
        // classes took (`BuildState+Siblings`).
        return split.given(of: waiting).reduce(0) {
            let test = build.planned.tests[$1]
            let weighed = TestFile.of(test: test.name) == runningFile ? test.predicted * runningScale : build.filePrediction(of: $1)
            return $0 + max(weighed, build.siblingSeconds(of: $1))
        } < floor
    }

    /// Whether `worker` has started `lease`: a worker runs its grants in the order they came, as
    /// many at once as it has slots, so a lease behind `slots` earlier ones still running waits.
    func started(_ lease: Lease, on worker: WorkerEntry) -> Bool {
        var ahead = 0
        for id in worker.leases where id < lease.id {
            if let other = leases[id], !other.retryLane, !other.ranOut { ahead += 1 }
        }
        return ahead < max(1, worker.slots)
    }

    /// Where to cut a lease: the test it keeps through, whether it gives back every other test
    /// after that one or its whole tail, and the expected work given back.
    struct Split: Equatable {
        var keepThrough: Int
        var alternate: Bool
        /// The predicted work given back.
        var predicted: Double
        /// How many times its predictions it is likely to take (`outrun`).
        var scale: Double
        /// The work given back as expected: predicted, times `scale`.
        var work: Double { predicted * scale }

        /// The tests of `waiting` (the lease's, as `reclaimSplit` saw them) it gives back.
        func given(of waiting: [Int]) -> [Int] {
            guard let kept = waiting.firstIndex(of: keepThrough) else { return [] }
            return Reclaim.partition(Array(waiting[(kept + 1)...]), alternate: alternate).given
        }
    }

    /// Where to cut a lease: its tests still waiting (no result arrived), in the order its worker
    /// runs them. The first stays: it is running (a warm session gives back the one it set up
    /// for next as well, and tears down for it). Nil when there is nothing to give.
    ///
    /// While the lease keeps to its predictions, the tail worth about half their expected work
    /// goes, and each module's tests stay together. Once it has outrun them (`outrun` > 1: a
    /// first build's guesses, a test slower than its history), where its slow tests sit is
    /// unknown, and a tail is a blind bet: fasteners' first build gave its four fast last tests
    /// to the idle worker and kept two 5 s ones, which then ran one after the other. Then every
    /// other test after the one set up next goes instead, so slow neighbours are shared; the
    /// price is modules set up on both workers.
    ///
    /// Expected work is predicted work times `outrun(...)`: how far the lease's running test
    /// (`runningFor` milliseconds so far) or its latest result outran their predictions.
    static func reclaimSplit(_ lease: Lease, _ build: BuildState, runningFor: UInt64 = 0) -> Split? {
        let waiting = lease.waiting
        guard waiting.count >= 2 else { return nil }
        let predicted = waiting.map { build.planned.tests[$0].predicted }
        let scale = outrun(pace: lease.pace, runningSeconds: Double(runningFor) / 1000, runningPredicted: predicted[0])
        if scale > 1 {
            let given = Reclaim.partition(Array(predicted.dropFirst()), alternate: true).given
            guard !given.isEmpty else { return nil }
            return Split(keepThrough: waiting[0], alternate: true, predicted: given.reduce(0, +), scale: scale)
        }
        let half = predicted.reduce(0, +) / 2
        var cut = waiting.count, tail = 0.0
        while cut > 1 && tail < half {
            cut -= 1
            tail += predicted[cut]
        }
        return Split(keepThrough: waiting[cut - 1], alternate: false, predicted: tail, scale: scale)
    }

    /// How many times their predictions a lease's waiting tests are likely to take: 1, or more
    /// when its latest result took `pace` times its prediction (see `overrun`), or its running
    /// test has already run `runningSeconds` against `runningPredicted`.
    ///
    /// Why: a first build predicts every test of a suite it has no history of alike (dateutil:
    /// 50 ms each), and a suite's slow tests sit together in a file, so one lease holds them all.
    /// Its predicted tail stays under `reclaimFloorSeconds` while its worker runs seconds of them
    /// and the other worker idles. Slow tests' neighbours are likely slow too; once the running
    /// one has outrun its prediction, so, likely, will they. Predictions from history rarely
    /// miss by much, so a later build's reclaims are as before.
    static func outrun(pace: Double, runningSeconds: Double, runningPredicted: Double) -> Double {
        max(1, pace, overrun(seconds: runningSeconds, predicted: runningPredicted))
    }

    /// `seconds` over `predicted`, when a test took (or has run) at least `outrunSlackSeconds`
    /// longer than predicted; else 1. Why the slack: a millisecond test's result waits up to
    /// 10 ms in its worker's batch, and a scheduling hiccup is as long, which would make it look
    /// ten times late and a lease of such tests worth splitting for nothing.
    static func overrun(seconds: Double, predicted: Double) -> Double {
        seconds - predicted >= outrunSlackSeconds ? seconds / max(predicted, 0.001) : 1
    }

    static let outrunSlackSeconds = 0.25

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
