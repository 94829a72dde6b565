@testable import Coordinator
import Model
import Testing
import Wire

/// A lease whose worker dies goes back to the queue and to another worker.
@Suite struct LeaseRequeueTests {
    /// One worker holds t1; a second joins with nothing to do.
    func fleetWithGrantedTest() throws -> (FleetHarness, Assign) {
        let fleet = FleetHarness()
        fleet.hello("w1", pid: 4242)
        fleet.start(["t1"])
        let granted = try #require(fleet.assigns(to: "w1").first)
        #expect(granted.tests == [GrantedTest(name: "t1", attempt: 1)])
        fleet.hello("w2")
        #expect(fleet.assigns(to: "w2").isEmpty)
        return (fleet, granted)
    }

    @Test func aLeaseOfAWorkerSilentPastTheTimeoutGoesToAnother() throws {
        let (fleet, _) = try fleetWithGrantedTest()
        fleet.now += 3000
        fleet.heartbeat(from: "w2")
        fleet.housekeeping()
        #expect(fleet.core.workers[FleetHarness.identity("w1")] != nil, "silent 3 s of a 5 s timeout: still there")
        #expect(fleet.assigns(to: "w2").isEmpty)

        fleet.now += 2500  // w1 silent 5.5 s, w2 2.5 s
        fleet.housekeeping()
        #expect(fleet.core.workers[FleetHarness.identity("w1")] == nil)
        #expect(fleet.core.workers[FleetHarness.identity("w2")] != nil)
        let requeued = try #require(fleet.assigns(to: "w2").first)
        #expect(requeued.tests == [GrantedTest(name: "t1", attempt: 1)])
        #expect(fleet.core.leases.count == 1)
    }

    @Test func aLeaseOfAWorkerWhoseProcessExitedGoesToAnotherAtOnce() throws {
        let (fleet, _) = try fleetWithGrantedTest()
        fleet.core.workerLost(pid: 4242)
        fleet.drain()
        #expect(fleet.core.workers[FleetHarness.identity("w1")] == nil)
        let requeued = try #require(fleet.assigns(to: "w2").first)
        #expect(requeued.tests == [GrantedTest(name: "t1", attempt: 1)])
    }

    @Test func aWorkerThatRestartedLosesItsLeaseButTheSameProcessKeepsIt() throws {
        let (fleet, granted) = try fleetWithGrantedTest()
        fleet.hello("w1", pid: 4242, instance: 1)  // the same process, after a silence
        #expect(fleet.core.leases[granted.lease] != nil)
        #expect(fleet.assigns(to: "w2").isEmpty)

        fleet.hello("w1", pid: 4343, instance: 2)  // a new process with the same id
        #expect(fleet.core.leases[granted.lease] == nil)
        let requeued = fleet.assigns(to: "w1").dropFirst() + fleet.assigns(to: "w2")
        #expect(requeued.map(\.tests) == [[GrantedTest(name: "t1", attempt: 1)]])
    }

    @Test func aLateResultOfTheDeadWorkerIsRefusedAndTheRequeuedRunCounts() throws {
        let (fleet, granted) = try fleetWithGrantedTest()
        fleet.core.workerLost(pid: 4242)
        fleet.drain()
        let requeued = try #require(fleet.assigns(to: "w2").first)
        fleet.report("w1", granted, .failed)  // no session, no lease: refused, not stored
        #expect(fleet.finished.isEmpty)
        fleet.report("w2", requeued, .passed)
        #expect(fleet.finished == ["b1"])
        #expect(fleet.core.builds["b1"] == nil, "a finished build leaves the core's memory")
        #expect(fleet.core.leases.isEmpty, "the requeued lease ended with its report")
        #expect(fleet.core.workers[FleetHarness.identity("w2")]?.leases.isEmpty == true)
    }
}
