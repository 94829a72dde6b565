@testable import Coordinator
import Model
import Testing
import Wire

/// A worker that cannot prepare a build's workspace (its fetch or setup failed) says so; its
/// tests go to the other workers, and when none is left the build ends as an infrastructure fault.
@Suite struct WorkspaceFaultTests {
    func fault(_ fleet: FleetHarness, _ worker: String, _ assign: Assign, sequence: UInt64) {
        let batch = ResultBatch(lease: assign.lease, build: assign.build, sequence: sequence, results: [],
                                fault: WorkspaceFault(worker: worker, message: "setup of suite 'unit' exited with status 4"))
        fleet.core.receive(.results(batch), from: FleetHarness.identity(worker), now: fleet.now)
        fleet.core.resultsStored(fleet.core.takeReceived(), failedBuilds: [])
        fleet.drain()
    }

    @Test func aFaultedWorkersTestsGoElsewhereAndItGetsNoMoreOfThatBuild() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.start(["t1"])
        let first = try #require(fleet.assigns(to: "w1").first)
        fleet.hello("w2")
        fault(fleet, "w1", first, sequence: 1)
        let moved = try #require(fleet.assigns(to: "w2").first)
        #expect(moved.tests == [GrantedTest(name: "t1", attempt: 1)], "the same attempt: a fault is not a test failure")
        #expect(fleet.assigns(to: "w1").count == 1, "w1 gets no more of this build")
        fleet.report("w2", moved, .passed)
        #expect(fleet.finished == ["b1"])
        #expect(fleet.core.builds["b1"]?.infrastructureFault == nil)
    }

    @Test func whenEveryWorkerFailsTheBuildEndsWithWhatTheySaid() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.hello("w2")
        fleet.start(["t1", "t2"])
        for (i, worker) in ["w1", "w2"].enumerated() {
            for assign in fleet.assigns(to: worker) { fault(fleet, worker, assign, sequence: UInt64(10 + i)) }
        }
        #expect(fleet.finished == ["b1"])
        let reason = try #require(fleet.core.builds["b1"]?.infrastructureFault)
        #expect(reason.contains("worker w1: setup of suite 'unit' exited with status 4"))
        #expect(reason.contains("worker w2:"))
        #expect(fleet.core.leases.isEmpty)
    }

    @Test func aFaultForALeaseTheSenderDoesNotHoldChangesNothing() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.hello("w2")
        fleet.start(["t1"])
        let holder = fleet.assigns(to: "w1").isEmpty ? "w2" : "w1"
        let other = holder == "w1" ? "w2" : "w1"
        let assign = try #require(fleet.assigns(to: holder).first)
        fault(fleet, other, assign, sequence: 5)  // forged: the lease is the holder's
        #expect(fleet.core.leases[assign.lease] != nil)
        #expect(fleet.core.builds["b1"]?.faultedWorkers.isEmpty == true)
    }
}
