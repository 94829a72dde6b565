@testable import Coordinator
import Model
import Testing
import Wire

/// Peers that lie, vanish or stall: the build still ends with one final result per test, and
/// nothing forged reaches the store (here: the batches the core hands the shell to store).
@Suite struct HostilePeerTests {
    func result(_ test: String, attempt: Int = 1, _ outcome: Outcome, worker: String = "w1") -> TestResult {
        TestResult(test: test, attempt: attempt, outcome: outcome, duration: 0.01, worker: worker, arch: .x86_64)
    }

    /// Acks (refused or not) the core sent to `peer`.
    func acks(to peer: String, in fleet: FleetHarness) -> [Ack] {
        fleet.effects.compactMap {
            if case .send(.ack(let ack), let to) = $0, to == FleetHarness.identity(peer) { return ack }
            return nil
        }
    }

    @Test func resultsFromAPeerWithoutASessionAreRefusedAndNotStored() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.start(["t1", "t2"], maxAttempts: 3)
        let grant = try #require(fleet.assigns(to: "w1").first)
        fleet.report("w1", grant, .failed)  // both fail their first attempt: retries are due
        let forged = ResultBatch(lease: grant.lease, build: "b1", sequence: 1,
                                 results: [result("t1", attempt: 2, .passed, worker: "intruder")])
        fleet.core.receive(.results(forged), from: FleetHarness.identity("intruder"), now: fleet.now)
        #expect(fleet.core.takeReceived().isEmpty, "nothing of it goes to the store")
        fleet.drain()
        #expect(acks(to: "intruder", in: fleet).first?.refused?.contains("no session") == true)
        #expect(fleet.core.builds["b1"]?.status[0].passedOnRetry == false)
    }

    @Test func resultsForALeaseThePeerDoesNotHoldOrBeyondTheAttemptsAreRefused() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.start(["t1", "t2", "t3", "t4"], maxAttempts: 1)
        fleet.hello("w2")
        let grant = try #require(fleet.assigns(to: "w1").first)
        // w2 has a session but not w1's lease.
        fleet.core.receive(.results(ResultBatch(lease: grant.lease, build: "b1", sequence: 1,
                                                results: [result(grant.tests[0].name, .passed, worker: "w2")])),
                           from: FleetHarness.identity("w2"), now: fleet.now)
        #expect(fleet.core.takeReceived().isEmpty)
        // w1 holds the lease but reports an attempt past the build's attempts and a test not in it.
        let name = grant.tests[0].name
        fleet.core.receive(.results(ResultBatch(lease: grant.lease, build: "b1", sequence: 2,
                                                results: [result(name, attempt: 5, .passed), result("t9", .passed)])),
                           from: FleetHarness.identity("w1"), now: fleet.now)
        #expect(fleet.core.takeReceived().isEmpty)
        fleet.drain()
        #expect(acks(to: "w2", in: fleet).first?.refused != nil)
        #expect(acks(to: "w1", in: fleet).first?.refused != nil)
        #expect(fleet.core.builds["b1"]?.finalCount == 0)
    }

    @Test func aHonestBatchIsStoredUnderTheSessionsWorkerAndArch() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.start(["t1"])
        let grant = try #require(fleet.assigns(to: "w1").first)
        fleet.core.receive(.results(ResultBatch(lease: grant.lease, build: "b1", sequence: 1,
                                                results: [result("t1", .passed, worker: "someone-else")])),
                           from: FleetHarness.identity("w1"), now: fleet.now)
        let stored = fleet.core.takeReceived()
        #expect(stored.map { $0.batch.results.map(\.worker) } == [["w1"]])
    }

    @Test func aPeerClaimingHugeCapacityGetsNoMoreThanItsSlotsAllow() {
        let fleet = FleetHarness()
        let hello = Hello(worker: "greedy", arch: .x86_64, slots: 1, instance: 1)
        fleet.core.receive(.hello(hello), from: FleetHarness.identity("greedy"), now: fleet.now)
        fleet.hello("w2")
        fleet.start((1...50).map { "t\($0)" })
        fleet.core.receive(.ready(Ready(freeSlots: 1 << 40)), from: FleetHarness.identity("greedy"), now: fleet.now)
        fleet.drain()
        #expect(fleet.core.workers[FleetHarness.identity("greedy")]?.leases.count == 1, "one slot, one grant per slot")
        #expect(fleet.core.workers[FleetHarness.identity("greedy")]?.capacity == 1)
        #expect(!fleet.assigns(to: "w2").isEmpty, "the rest of the queue is left for others")
    }

    @Test func theRetryLaneHoldsOneGrantAtMostWhateverAWorkerClaims() throws {
        let fleet = FleetHarness()
        let greedy = FleetHarness.identity("greedy")
        fleet.hello("greedy")
        fleet.start((1...50).map { "t\($0)" }, maxAttempts: 3)
        // Failures one test at a time keep its leases open while retries pile up (it is the only
        // worker, so they come back to it), and it keeps claiming huge free capacity: the retry
        // lane must add one lease beyond its one slot, never more.
        var mostHeld = 0
        for _ in 0..<40 {
            let build = try #require(fleet.core.builds["b1"])
            let held = fleet.core.workers[greedy]?.leases.sorted() ?? []
            guard let id = held.first, let lease = fleet.core.leases[id],
                  let (index, attempt) = lease.remaining.min(by: { $0.key < $1.key }) else { break }
            fleet.report("greedy", lease: id, [(build.planned.tests[index].name, attempt, .failed)])
            fleet.core.receive(.ready(Ready(freeSlots: 1 << 40)), from: greedy, now: fleet.now)
            fleet.drain()
            let after = fleet.core.workers[greedy]?.leases ?? []
            #expect(after.count <= 2, "one slot, one grant per slot, one retry lane")
            #expect(after.filter { fleet.core.leases[$0]?.retryLane == true }.count <= 1)
            mostHeld = max(mostHeld, after.count)
        }
        #expect(mostHeld == 2, "the retry lane was used")
    }

    @Test func anIncompatibleHelloIsRefusedAndLogged() {
        let fleet = FleetHarness()
        let hello = Hello(worker: "old", arch: .x86_64, slots: 1, version: 1, instance: 1)
        fleet.core.receive(.hello(hello), from: FleetHarness.identity("old"), now: fleet.now)
        let effects = fleet.drain()
        #expect(fleet.core.workers.isEmpty)
        #expect(effects.contains {
            if case .send(.error(let error), _) = $0 { return error.code == "incompatible-version" }
            return false
        })
        #expect(effects.contains { if case .log(let text) = $0 { return text.contains("version 1") }; return false })
    }

    @Test func aRefusedGrantGoesToAnotherWorkerAndTheRefuserGetsNoMoreOfTheBuild() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.start(["t1"])
        let grant = try #require(fleet.assigns(to: "w1").first)
        fleet.hello("w2")
        fleet.core.receive(.refusal(Refusal(lease: grant.lease, reason: "cannot decode")), from: FleetHarness.identity("w1"),
                           now: fleet.now)
        fleet.drain()
        let moved = try #require(fleet.assigns(to: "w2").first)
        #expect(moved.tests == grant.tests)
        #expect(fleet.assigns(to: "w1").count == 1)
        fleet.report("w2", moved, .passed)
        #expect(fleet.finished == ["b1"])
    }

    @Test func aLeasePastItsDeadlineIsTakenBackEvenWhileItsWorkerHeartbeats() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.start(["t1"])
        let grant = try #require(fleet.assigns(to: "w1").first)
        fleet.hello("w2")
        let deadline = try #require(fleet.core.leases[grant.lease]?.deadline)
        while fleet.now < deadline {
            fleet.now = min(deadline, fleet.now + 1000)
            fleet.heartbeat(from: "w1")
            fleet.heartbeat(from: "w2")
            fleet.housekeeping()
        }
        #expect(fleet.core.leases[grant.lease] == nil)
        #expect(fleet.effects.contains {
            if case .send(.revoke(let revoke), let to) = $0 { return revoke.lease == grant.lease && to == FleetHarness.identity("w1") }
            return false
        })
        let moved = try #require(fleet.assigns(to: "w2").first)
        fleet.report("w2", moved, .passed)
        fleet.report("w1", grant, .failed)  // the stalled worker finally answers: refused
        #expect(fleet.finished == ["b1"])
    }

    /// Results of a lease the coordinator revoked, sent before the worker heard of it, are the
    /// expected race of stopping work in flight: refused and not stored, without a log line.
    /// The same lease's results from another peer are still logged.
    @Test func lateResultsOfARevokedLeaseAreRefusedQuietly() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.hello("w2")
        fleet.start(["t1", "t2"])
        let grant = try #require(fleet.assigns(to: "w1").first)
        fleet.core.takeBack(grant.lease, reason: "test", shun: false)
        let before = fleet.effects.count
        fleet.report("w1", lease: grant.lease, grant.tests.map { ($0.name, $0.attempt, .passed) })
        let late = fleet.effects.dropFirst(before)
        #expect(acks(to: "w1", in: fleet).last?.refused?.contains("revoked before these results came") == true)
        #expect(!late.contains { if case .log = $0 { true } else { false } }, "\(Array(late))")
        fleet.report("w2", lease: grant.lease, grant.tests.map { ($0.name, $0.attempt, .passed) })
        #expect(fleet.effects.dropFirst(before).contains {
            if case .log(let line) = $0 { line.contains("is not held by worker w2") } else { false }
        })
        #expect(fleet.build("b1")?.status.allSatisfy { !$0.final } == true, "nothing of either was recorded")
    }

    @Test func endedLeasesForgetTheOldestBeyondTheirCapacity() {
        var ended = EndedLeases(capacity: 2)
        ended.insert(1, worker: [1])
        ended.insert(2, worker: [2])
        ended.insert(3, worker: [3])
        #expect(!ended.ended(1, heldBy: [1]))
        #expect(ended.ended(2, heldBy: [2]) && ended.ended(3, heldBy: [3]))
        #expect(!ended.ended(3, heldBy: [2]), "only its holder's late results are expected")
    }

    @Test func aWorkerGoneRightAfterHelloLosesItsGrantToAnother() throws {
        let fleet = FleetHarness()
        fleet.start(["t1", "t2"])
        fleet.hello("ghost")
        let grant = try #require(fleet.assigns(to: "ghost").first)
        fleet.core.dropWorker(FleetHarness.identity("ghost"), reason: "unreachable")  // the send failed
        fleet.drain()
        fleet.hello("w2")
        let all = fleet.assigns(to: "w2")
        #expect(Set(all.flatMap(\.tests).map(\.name)).isSuperset(of: grant.tests.map(\.name)))
        for assign in all { fleet.report("w2", assign, .passed) }
        #expect(fleet.finished == ["b1"] && fleet.core.leases.isEmpty)
    }
}
