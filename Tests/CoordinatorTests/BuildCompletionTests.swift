@testable import Coordinator
import Model
import Testing
import Wire

/// A build finishes once, when its last test is final; results are acknowledged only once stored.
@Suite struct BuildCompletionTests {
    @Test func aBuildFinishesExactlyOnce() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.start(["t1", "t2"])
        let grant = try #require(fleet.assigns(to: "w1").first)
        #expect(grant.tests.count == 2)
        fleet.report("w1", lease: grant.lease, [("t1", 1, .passed)])
        #expect(fleet.finished.isEmpty)
        fleet.report("w1", lease: grant.lease, [("t2", 1, .failed)], sequence: 7)
        #expect(fleet.finished == ["b1"])

        // The same batch again (its ack was lost), a late attempt, an unknown lease: nothing moves.
        fleet.report("w1", lease: grant.lease, [("t2", 1, .failed)], sequence: 7)
        fleet.report("w1", lease: grant.lease, [("t1", 2, .failed)])
        fleet.report("w1", lease: 999, [("t2", 1, .passed)])
        fleet.now += 10_000
        fleet.heartbeat(from: "w1")
        fleet.housekeeping()
        #expect(fleet.finished == ["b1"])
        let build = try #require(fleet.build("b1"))
        #expect(build.finalCount == 2)
        #expect(build.failedCount == 1)
        #expect(fleet.core.buildOrder.isEmpty)
        #expect(fleet.assigns(to: "w1").count == 1)
    }

    @Test func aBuildWhoseStoredResultsAreAllFinalFinishesOnStart() {
        let fleet = FleetHarness()
        let planned = PlannedBuild(
            spec: BuildSpec(id: "resumed", suite: "sim:unit"),
            suites: [SuiteDefinition(name: "unit", adapter: .simulated, directory: "/")],
            tests: [TestCase(name: "t1", suite: 0)], grantCost: 0)
        fleet.core.start(planned, stored: ["t1": (1, .passed, "w9")], watcher: Array("client".utf8), now: fleet.now)
        fleet.drain()
        #expect(fleet.finished == ["resumed"])
        #expect(fleet.build("resumed")?.watchers == [Array("client".utf8)])
    }

    @Test func resultsAreAcknowledgedOnlyOnceStored() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.start(["t1"])
        let grant = try #require(fleet.assigns(to: "w1").first)
        let batch = ResultBatch(lease: grant.lease, build: "b1", sequence: 1, results: [
            TestResult(test: "t1", attempt: 1, outcome: .passed, duration: 0, worker: "w1", arch: .x86_64),
        ])
        fleet.core.receive(.results(batch), from: FleetHarness.identity("w1"), now: fleet.now)
        #expect(!fleet.drain().contains { if case .send(.ack, _) = $0 { true } else { false } })

        // The store failed for this build: no ack, no progress; the worker will send it again.
        fleet.core.resultsStored(fleet.core.takeReceived(), failedBuilds: ["b1"])
        #expect(fleet.drain().isEmpty)
        #expect(fleet.build("b1")?.finalCount == 0)

        fleet.core.receive(.results(batch), from: FleetHarness.identity("w1"), now: fleet.now)
        fleet.core.resultsStored(fleet.core.takeReceived(), failedBuilds: [])
        let effects = fleet.drain()
        guard case .send(.ack(let ack), let to) = effects.first else {
            Issue.record("expected an ack first, got \(effects)")
            return
        }
        #expect(ack.sequence == 1 && to == FleetHarness.identity("w1"))
        #expect(fleet.finished == ["b1"])
    }
}
