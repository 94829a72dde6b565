@testable import Coordinator
import Model
import Testing
import Wire

/// Work stealing at a build's end: a worker with nothing left to take gets the unstarted half of
/// another worker's lease, which that worker gives back when asked (`Reclaim`).
@Suite struct ReclaimTests {
    static let tests = (0..<24).map { "t\($0)" }

    /// w1 holds a lease of 12 one-second tests and runs none of them; w2 runs everything else
    /// until the queue is empty. Returns w1's lease.
    func fleetWithIdleSecondWorker() throws -> (FleetHarness, Assign) {
        let (fleet, held) = try fleet(predicting: 1)
        #expect(held.tests.count == 12, "half of 24 s of work for the lone worker")
        var done = 0
        while let next = fleet.assigns(to: "w2").dropFirst(done).first {
            fleet.report("w2", next, .passed)
            done += 1
        }
        #expect(fleet.core.builds["b1"]?.pending.count(for: .x86_64) == 0, "the queue ran dry")
        return (fleet, held)
    }

    var reclaims: (FleetHarness) -> [Reclaim] {
        { fleet in
            fleet.effects.compactMap { if case .send(.reclaim(let r), FleetHarness.identity("w1")) = $0 { r } else { nil } }
        }
    }

    @Test func anIdleWorkerGetsTheUnstartedHalfOfAnotherWorkersLease() throws {
        let (fleet, held) = try fleetWithIdleSecondWorker()
        let reclaim = try #require(reclaims(fleet).first, "the idle worker's turn asked w1 for work")
        #expect(reclaims(fleet).count == 1, "one request at a time per lease")
        #expect(reclaim.lease == held.lease && reclaim.build == "b1")
        #expect(reclaim.keepThrough == held.tests[5].name, "w1 keeps the first half of its 12 s")
        let tail = held.tests[6...].map(\.name)

        let grantsBefore = fleet.assigns(to: "w2").count
        let answer = ResultBatch(lease: held.lease, build: "b1", sequence: 900, results: [], answersReclaim: reclaim.id,
                                 handedBack: tail)
        fleet.core.receive(.results(answer), from: FleetHarness.identity("w1"), now: fleet.now)
        fleet.drain()
        #expect(fleet.effects.contains { if case .send(.ack(let a), FleetHarness.identity("w1")) = $0 { a.sequence == 900 } else { false } })
        let stolen = try #require(fleet.assigns(to: "w2").dropFirst(grantsBefore).first, "w2 got some of the tail")
        #expect(stolen.tests.map(\.name) == Array(tail.prefix(stolen.tests.count)), "in the order they were planned")
        #expect(fleet.core.leases[held.lease]?.remaining.count == 6)

        // w1 cannot report a test it gave back; the build still needs every test once.
        fleet.report("w1", lease: held.lease, [(tail[0], 1, .passed)])
        #expect(fleet.core.leases[held.lease]?.remaining.count == 6, "refused: not the lease's anymore")
        fleet.report("w1", lease: held.lease, held.tests[..<6].map { ($0.name, 1, .passed) })
        // Whoever frees up first takes the rest of the tail from the queue.
        var done = ["w1": 1, "w2": grantsBefore]
        while let (worker, next) = ["w1", "w2"].lazy.compactMap({ w in fleet.assigns(to: w).dropFirst(done[w]!).first.map { (w, $0) } }).first {
            fleet.report(worker, next, .passed)
            done[worker]! += 1
        }
        #expect(fleet.finished == ["b1"])
        #expect(fleet.build("b1")?.finalCount == Self.tests.count)
    }

    @Test func aLeaseThatGivesBackNothingIsNotAskedAgain() throws {
        let (fleet, held) = try fleetWithIdleSecondWorker()
        let reclaim = try #require(reclaims(fleet).first)
        fleet.core.receive(.results(ResultBatch(lease: held.lease, build: "b1", sequence: 901, results: [],
                                                answersReclaim: reclaim.id)), from: FleetHarness.identity("w1"), now: fleet.now)
        fleet.drain()
        #expect(fleet.core.leases[held.lease]?.keepsItsTests == true)
        fleet.now += 500
        fleet.heartbeat(from: "w1")
        fleet.heartbeat(from: "w2")
        fleet.housekeeping()
        #expect(reclaims(fleet).count == 1, "w1's runner cannot stop early: not asked again")
        #expect(fleet.core.leases[held.lease]?.remaining.count == 12)
    }

    @Test func anAnswerToAnotherRequestOrAResentOneChangesNothing() throws {
        let (fleet, held) = try fleetWithIdleSecondWorker()
        let reclaim = try #require(reclaims(fleet).first)
        let tail = held.tests[6...].map(\.name)
        for (sequence, id) in [(902, reclaim.id + 1), (903, reclaim.id), (904, reclaim.id)] {
            fleet.core.receive(.results(ResultBatch(lease: held.lease, build: "b1", sequence: UInt64(sequence), results: [],
                                                    answersReclaim: id, handedBack: tail)),
                               from: FleetHarness.identity("w1"), now: fleet.now)
            fleet.drain()
        }
        #expect(fleet.core.leases[held.lease]?.remaining.count == 6)
        #expect(fleet.core.testsHandedBack == 6, "the tail went back to the queue once")
    }

    /// A first build's guesses: every test predicted at 62.5 ms. w1 took all 24 before w2 came,
    /// and its unstarted half, 0.75 s, is not worth the 4 grant costs a reclaim must move here.
    /// Once its running test has run far past its 62.5 ms, or a result took far longer than
    /// predicted, the tail counts that many times over and is worth taking.
    func fleetOfGuesses() throws -> (FleetHarness, Assign) {
        let (fleet, held) = try fleet(predicting: 0.0625)
        #expect(held.tests.count == 24, "1.5 s of work is one grant")
        return (fleet, held)
    }

    /// w1 alone takes its first grant of the 24 tests, each predicted at `seconds`; then w2
    /// says hello. Returns w1's grant.
    func fleet(predicting seconds: Double) throws -> (FleetHarness, Assign) {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.start(Self.tests, predicted: Array(repeating: seconds, count: Self.tests.count))
        let held = try #require(fleet.assigns(to: "w1").first)
        fleet.hello("w2")
        return (fleet, held)
    }

    /// Once its tests outran their predictions, where its slow ones sit is unknown: the lease
    /// keeps its running test and the one set up next, and gives back every other test after.
    @Test func aLeaseOutrunningItsPredictionsGivesBackEveryOtherTest() throws {
        let (fleet, held) = try fleetOfGuesses()
        #expect(reclaims(fleet).isEmpty, "on time: 0.75 s predicted is not worth a reclaim")
        fleet.now += 300
        fleet.heartbeat(from: "w1")
        fleet.heartbeat(from: "w2")
        fleet.housekeeping()
        #expect(reclaims(fleet).isEmpty, "0.3 s in: late by less than the slack, so on time")
        fleet.now += 1700
        fleet.heartbeat(from: "w1")
        fleet.heartbeat(from: "w2")
        fleet.housekeeping()
        let reclaim = try #require(reclaims(fleet).first, "its first test ran 2 s against 62.5 ms predicted")
        #expect(reclaim.lease == held.lease && reclaim.keepThrough == held.tests[0].name && reclaim.alternate)

        // The same lease, its first test reported at 2 s: the pace of what arrived says the same.
        let (paced, lease) = try fleetOfGuesses()
        paced.report("w1", lease: lease.lease, [(lease.tests[0].name, 1, .passed)], duration: 2)
        paced.housekeeping()
        let asked = try #require(reclaims(paced).first, "a result 32 times its prediction")
        #expect(asked.keepThrough == lease.tests[1].name && asked.alternate, "t1 runs, t2 is set up next, t3, t5, … go")

        // The answer names every other test; they leave the lease and go to the idle worker.
        let given = stride(from: 3, to: lease.tests.count, by: 2).map { lease.tests[$0].name }
        paced.core.receive(.results(ResultBatch(lease: lease.lease, build: "b1", sequence: 901, results: [],
                                                answersReclaim: asked.id, handedBack: given)),
                           from: FleetHarness.identity("w1"), now: paced.now)
        paced.drain()
        let kept = try #require(paced.core.leases[lease.lease])
        #expect(kept.remaining.count == lease.tests.count - 1 - given.count)
        let build = try #require(paced.core.builds["b1"])
        #expect(kept.order.map { build.planned.tests[$0].name } == ([0, 1] + stride(from: 2, to: lease.tests.count, by: 2)).map { lease.tests[$0].name },
                "t0 ran; t1 and the even ones after it stay, in order")
        #expect(paced.assigns(to: "w2").contains { Set($0.tests.map(\.name)).isSubset(of: Set(given)) }, "w2 got some of them")
    }

    /// Each worker's home holds half of `names` (0.01 s each). w1 takes its home; w2 runs all of
    /// its own and is idle. Returns w1's grant.
    func homesFleet(_ names: [String], w1Home: UInt8, processSetupSeconds: Double = 0) throws -> (FleetHarness, Assign) {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.start(names, predicted: Array(repeating: 0.01, count: names.count),
                    homes: (tests: names.indices.map { $0 < 12 ? 0 : 1 }, workers: ["w1": w1Home, "w2": 1 - w1Home]),
                    processSetupSeconds: processSetupSeconds)
        let held = try #require(fleet.assigns(to: "w1").first)
        #expect(held.tests.map(\.name) == Array(names[w1Home == 0 ? 0..<12 : 12..<24]), "w1's home, in order")
        fleet.hello("w2")
        let own = try #require(fleet.assigns(to: "w2").first)
        fleet.report("w2", own, .passed)
        return (fleet, held)
    }

    /// w1 runs its home's first test for 2 s. Scaled by that overrun, w1's waiting tests look
    /// worth a reclaim (as in `aLeaseOutrunningItsPredictionsGivesBackEveryOtherTest`), but when
    /// w2's session already ran later tests (its home is t12–t23), their predicted 0.1 s is not
    /// worth running them out of order: w2 waits. When w2's home is t0–t11, the same lease is
    /// reclaimed.
    @Test func anIdleWorkerDoesNotTakeAFewEarlierTestsOutOfOrder() throws {
        func fleet(w1Home: UInt8) throws -> (FleetHarness, Assign) {
            let (fleet, held) = try homesFleet(Self.tests, w1Home: w1Home)
            fleet.now += 2000
            fleet.heartbeat(from: "w1")
            fleet.heartbeat(from: "w2")
            fleet.housekeeping()
            return (fleet, held)
        }
        let (behind, _) = try fleet(w1Home: 0)
        #expect(reclaims(behind).isEmpty, "w2 ran t12–t23: 0.1 s of t2–t11 is not worth running after them")
        let (ahead, held) = try fleet(w1Home: 1)
        let reclaim = try #require(reclaims(ahead).first, "w2 ran t0–t11: t14, t16, … come after them, reclaimed as ever")
        #expect(reclaim.lease == held.lease && reclaim.alternate)
    }

    /// The same earlier tests are worth it when their own file outran its predictions (dateutil's
    /// first builds: `test_tzpath_data.py`'s last eight tests, guessed at 50 ms and taking 11 s,
    /// kept by one worker while the other, past them, sat idle for 10 s). Only the file's own
    /// results count: a slow test of another file leaves them unreclaimed.
    @Test func earlierTestsOfAFileThatOutranItsPredictionsAreReclaimed() throws {
        let names = (0..<24).map { $0 < 12 ? "slow.py::t\($0)" : "later.py::t\($0)" }
        let (fleet, held) = try homesFleet(names, w1Home: 0)
        fleet.report("w1", lease: held.lease, [(names[0], 1, .passed)], duration: 2)
        fleet.housekeeping()
        let reclaim = try #require(reclaims(fleet).first, "0.05 s predicted, 200 times over: 10 s expected")
        #expect(reclaim.lease == held.lease && reclaim.alternate)

        let other = ["other.py::t0"] + names.dropFirst()
        let (unscaled, lease) = try homesFleet(other, w1Home: 0)
        unscaled.report("w1", lease: lease.lease, [(other[0], 1, .passed)], duration: 2)
        unscaled.housekeeping()
        #expect(reclaims(unscaled).isEmpty, "other.py outran; slow.py's 0.05 s stays with w1")
    }

    /// Behind the idle worker's place, reclaimed tests run in a process of their own, which makes
    /// the suite's session fixtures again (wheel 0.45.1's took 2 s): with 5 s of such set-up, the
    /// slow file's tests are worth it at 10 s expected, not at 5 s, which is worth a reclaim
    /// when a new process costs nothing.
    @Test func earlierTestsAreNotReclaimedForLessThanANewProcessesSetUp() throws {
        let names = (0..<24).map { $0 < 12 ? "slow.py::t\($0)" : "later.py::t\($0)" }
        func reclaimed(overrun: Double, setUp: Double) throws -> Bool {
            let (fleet, held) = try homesFleet(names, w1Home: 0, processSetupSeconds: setUp)
            fleet.report("w1", lease: held.lease, [(names[0], 1, .passed)], duration: overrun)
            fleet.housekeeping()
            return !reclaims(fleet).isEmpty
        }
        #expect(try reclaimed(overrun: 2, setUp: 5), "200 times over: 10 s expected")
        #expect(try !reclaimed(overrun: 1, setUp: 5), "100 times over: 5 s expected")
        #expect(try reclaimed(overrun: 1, setUp: 0), "5 s expected and nothing to set up")
    }

    /// The running test counts for its own file before it reports: WebTest's first builds kept
    /// `test_http.py`'s last 0.9 s tests (guessed at 50 ms) behind the first of them, which the
    /// other worker waited out idle. A running test of another file leaves them unreclaimed.
    @Test func earlierTestsOfTheRunningTestsFileAreReclaimedWhileItRuns() throws {
        func running(_ names: [String]) throws -> (FleetHarness, Assign) {
            let (fleet, held) = try homesFleet(names, w1Home: 0)
            fleet.now += 2000
            fleet.heartbeat(from: "w1")
            fleet.heartbeat(from: "w2")
            fleet.housekeeping()
            return (fleet, held)
        }
        let names = (0..<24).map { $0 < 12 ? "slow.py::t\($0)" : "later.py::t\($0)" }
        let (fleet, held) = try running(names)
        let reclaim = try #require(reclaims(fleet).first, "slow.py::t0 has run 2 s of its 0.01 s: its file's tests are worth it")
        #expect(reclaim.lease == held.lease && reclaim.alternate)

        let (other, _) = try running(["other.py::t0"] + names.dropFirst())
        #expect(reclaims(other).isEmpty, "other.py::t0 runs long; slow.py's few tests stay with w1")
    }

    /// The queue learns how far a file's first attempts outran their predictions, from the first
    /// that did (its mean since), for builds with homes; other files stay unscaled.
    @Test func aFileWhoseFirstAttemptOutranItsPredictionGetsAScale() throws {
        let names = ["fast.py::a", "slow.py::a", "slow.py::b", "slow.py::c"]
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.start(names, predicted: [0.05, 0.05, 0.05, 0.05], homes: (tests: [0, 0, 0, 0], workers: ["w1": 0]))
        let held = try #require(fleet.assigns(to: "w1").first)
        fleet.report("w1", lease: held.lease, [("fast.py::a", 1, .passed)], duration: 0.06)
        fleet.report("w1", lease: held.lease, [("slow.py::a", 1, .passed)], duration: 5.05)
        let build = try #require(fleet.build("b1"))
        #expect(Array(build.pending.fileScales.keys) == ["slow.py"])
        #expect(abs((build.pending.fileScales["slow.py"] ?? 0) - 101) < 1e-6)
        fleet.report("w1", lease: held.lease, [("slow.py::b", 1, .passed)], duration: 0.05)
        #expect(abs((build.pending.fileScales["slow.py"] ?? 0) - 51) < 1e-6, "the mean since: 5.1 s over 0.1 s")
    }

    /// Pure: how many times over a lease's waiting tests are expected to take.
    @Test func outrunIsTheLargerOfTheRunningTestsAndTheLatestResultsOverrun() {
        #expect(CoordinatorCore.outrun(pace: 0, runningSeconds: 0, runningPredicted: 1) == 1, "never below 1")
        #expect(CoordinatorCore.outrun(pace: 0.5, runningSeconds: 0.5, runningPredicted: 1) == 1)
        #expect(CoordinatorCore.outrun(pace: 3, runningSeconds: 0.5, runningPredicted: 1) == 3)
        #expect(CoordinatorCore.outrun(pace: 3, runningSeconds: 2, runningPredicted: 0.05) == 40)
        #expect(CoordinatorCore.outrun(pace: 1, runningSeconds: 1, runningPredicted: 0) == 1000, "no prediction: 1 ms")
        // Late by less than the slack: a millisecond test whose result waits in a batch.
        #expect(CoordinatorCore.overrun(seconds: 0.02, predicted: 0.001) == 1)
        #expect(CoordinatorCore.outrun(pace: 1, runningSeconds: 0.2, runningPredicted: 0.001) == 1)
        #expect(CoordinatorCore.overrun(seconds: 0.4, predicted: 0.05) == 8, "dateutil's fastest slow test")
    }

    /// A lease its worker has not started (an earlier one fills its one slot) has no running
    /// test: time since its grant is not time its tests took.
    @Test func aLeaseWaitingBehindAnotherHasNotStarted() throws {
        let (fleet, held) = try fleetWithIdleSecondWorker()
        let core = fleet.core
        let worker = try #require(core.workers[FleetHarness.identity("w1")])
        let first = try #require(core.leases[held.lease])
        #expect(core.started(first, on: worker))
        let queued = Lease(id: held.lease + 1000, worker: worker.identity, build: "b1", remaining: [23: 1], deadline: .max,
                           budget: .max, work: 1, retryLane: false)
        core.leases[queued.id] = queued
        worker.leases.insert(queued.id)
        #expect(!core.started(queued, on: worker), "behind the first in w1's one slot")
        core.leases[held.lease]?.notArrived = 0
        #expect(core.started(queued, on: worker), "the first ran out: it runs now")
    }

    /// Pure: the split keeps the running test and gives back the tail worth about half of what
    /// waits, the test set up next included when the tail needs it.
    @Test func theSplitKeepsTheRunningTestAndCutsAtHalfThePredictedWork() throws {
        let fleet = FleetHarness()
        fleet.start(["a", "b", "c", "d", "e"], predicted: [5, 0.1, 0.1, 0.1, 0.1])
        let build = try #require(fleet.core.builds["b1"])
        var lease = Lease(id: 1, worker: [1], build: "b1", remaining: [0: 1, 1: 1, 2: 1, 3: 1, 4: 1], deadline: 0, budget: 0,
                          work: 0, retryLane: false)
        lease.order = [0, 1, 2, 3, 4]
        let split = try #require(CoordinatorCore.reclaimSplit(lease, build))
        #expect(split.keepThrough == 0, "a, the long one, runs; b (set up next), c, d, e go")
        #expect(abs(split.work - 0.4) < 1e-9)

        lease.arrived = [0]
        let later = try #require(CoordinatorCore.reclaimSplit(lease, build))
        #expect(later.keepThrough == 2, "b and c stay, d and e (half of 0.4 s) go")
        lease.arrived = [0, 1, 2]
        let lastTwo = try #require(CoordinatorCore.reclaimSplit(lease, build))
        #expect(lastTwo.keepThrough == 3, "the last two part: d runs, e goes")
        lease.arrived = [0, 1, 2, 3]
        #expect(CoordinatorCore.reclaimSplit(lease, build) == nil, "one waiting: nothing to give")

        // Its running test 2 s in against 0.1 s predicted: where the slow ones are is unknown.
        lease.arrived = [0]
        let outrun = try #require(CoordinatorCore.reclaimSplit(lease, build, runningFor: 2000))
        #expect(outrun.alternate && outrun.keepThrough == 1, "b runs, c is set up next, d goes, e stays")
        #expect(abs(outrun.work - 0.1 * 20) < 1e-9, "d's 0.1 s, twenty times over")
        lease.arrived = [0, 1, 2]
        #expect(CoordinatorCore.reclaimSplit(lease, build, runningFor: 2000) == nil, "d runs, e is set up: nothing to give")
    }
}
