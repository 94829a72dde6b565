@testable import Coordinator
import Foundation
import Model
import Store
import Testing
import Wire

/// A failed test's ordinary retries go out together, the first to another worker; its
/// confirmation runs wait until every ordinary attempt failed; a pass on any attempt ends it.
@Suite struct SideBySideRetryTests {
    /// Two workers (one slot each), `t1` and `t2`, three attempts and two confirmation runs:
    /// `t1` fails its first attempt. Returns the harness, the worker that failed it, and the
    /// grants made after that failure.
    func t1FailsOnce() throws -> (FleetHarness, failing: String, after: [CoordinatorEffect]) {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.hello("w2")
        fleet.start(["t1", "t2"], maxAttempts: 3, confirmAttempts: 2)
        let failing = fleet.assigns(to: "w1").contains { $0.tests.map(\.name) == ["t1"] } ? "w1" : "w2"
        let first = try #require(fleet.assigns(to: failing).first { $0.tests.map(\.name) == ["t1"] })
        let before = fleet.effects.count
        fleet.report(failing, first, .failed)
        return (fleet, failing, Array(fleet.effects[before...]))
    }

    /// The grant of attempt `attempt` among `grants`, with the worker it went to.
    func grant(_ attempt: Int, in fleet: FleetHarness, _ effects: [CoordinatorEffect]? = nil) -> (worker: String, assign: Assign)? {
        for worker in ["w1", "w2"] {
            if let assign = fleet.assigns(to: worker, in: effects).first(where: { $0.tests.first?.attempt == attempt }) {
                return (worker, assign)
            }
        }
        return nil
    }

    @Test func bothRetriesGoOutAtOnceTheFirstOnAnotherWorker() throws {
        let (fleet, failing, after) = try t1FailsOnce()
        let second = try #require(grant(2, in: fleet, after))
        let third = try #require(grant(3, in: fleet, after))
        #expect(second.worker != failing)
        #expect(second.assign.tests == [GrantedTest(name: "t1", attempt: 2)])
        #expect(third.assign.tests == [GrantedTest(name: "t1", attempt: 3)])
        #expect(second.assign.lease != third.assign.lease)
    }

    @Test func confirmationRunsWaitForTheLastOrdinaryRetryToFail() throws {
        let (fleet, _, _) = try t1FailsOnce()
        let second = try #require(grant(2, in: fleet))
        let third = try #require(grant(3, in: fleet))
        // The later retry fails first: the earlier one may still pass, so nothing more goes out.
        var before = fleet.effects.count
        fleet.report(third.worker, third.assign, .failed)
        #expect(grant(4, in: fleet, Array(fleet.effects[before...])) == nil)
        #expect(fleet.build("b1")?.status[0].confirming == false)

        before = fleet.effects.count
        fleet.report(second.worker, second.assign, .failed)
        let confirmations = Array(fleet.effects[before...])
        #expect(grant(4, in: fleet, confirmations) != nil)
        #expect(grant(5, in: fleet, confirmations) != nil)
        #expect(fleet.build("b1")?.status[0].confirming == true)
    }

    @Test func aPassOnEitherRetryEndsTheTestWhateverTheOtherReportsLater() throws {
        let (fleet, _, _) = try t1FailsOnce()
        let second = try #require(grant(2, in: fleet))
        let third = try #require(grant(3, in: fleet))
        fleet.report(third.worker, third.assign, .passed)
        let before = fleet.effects.count
        fleet.report(second.worker, second.assign, .failed)
        #expect(grant(4, in: fleet, Array(fleet.effects[before...])) == nil)
        let status = try #require(fleet.build("b1")?.status[0])
        #expect(status.final && !status.failed && status.passedOnRetry)
        #expect(!status.confirming)
    }

    /// A restarted coordinator with one worker resuming build "resumed" of `t1` (three attempts,
    /// two confirmation runs) from what the store held of it.
    func resumed(from stored: StoredAttempts) -> FleetHarness {
        let planned = PlannedBuild(
            spec: BuildSpec(id: "resumed", suite: "sim:unit", maxAttempts: 3, confirmAttempts: 2),
            suites: [SuiteDefinition(name: "unit", adapter: .simulated, directory: "/")],
            tests: [TestCase(name: "t1", suite: 0)], grantCost: 0)
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.core.start(planned, stored: stored, watcher: nil, now: fleet.now)
        fleet.drain()
        return fleet
    }

    @Test func aRestartedCoordinatorResumesAPassBelowAFailedHigherAttemptAsAPass() throws {
        // Attempt 2 passed and attempt 3, beside it, failed: the test is final, nothing is rerun.
        let fleet = resumed(from: ["t1": (2, .passed, "w2")])
        #expect(fleet.finished == ["resumed"])
        #expect(fleet.assigns(to: "w1").isEmpty)
    }

    @Test func whatARestartedCoordinatorReadsBackIsATestsPassingAttemptBeforeAHigherFailedOne() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("side-by-side-\(UUID().uuidString).db").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try Store(path: path)
        try store.createBuild(BuildSpec(id: "b1", suite: "sim:unit", maxAttempts: 3), testCount: 2)
        func result(_ test: String, _ attempt: Int, _ outcome: Outcome, _ worker: String) -> TestResult {
            TestResult(test: test, attempt: attempt, outcome: outcome, duration: 0.01, worker: worker, arch: .x86_64)
        }
        _ = try store.recordResults(build: "b1", [
            result("t1", 1, .failed, "w1"), result("t1", 2, .passed, "w2"), result("t1", 3, .failed, "w1"),
            result("t2", 1, .failed, "w1"), result("t2", 2, .failed, "w2"),
        ])
        let stored = try CoordinatorLoop.storedAttempts(of: "b1", store: store)
        #expect(stored["t1"].map { [$0.attempt == 2, $0.outcome == .passed, $0.worker == "w2"] } == [true, true, true])
        #expect(stored["t2"].map { [$0.attempt == 2, $0.outcome == .failed] } == [true, true])
    }

    @Test func aRestartedCoordinatorTakesAttemptsBelowAFailedHighestOneAsFailed() throws {
        // Attempt 3 failed and attempt 2 was lost with the old coordinator: confirmation runs next.
        let fleet = resumed(from: ["t1": (3, .failed, "w2")])
        let granted = fleet.assigns(to: "w1").flatMap(\.tests).map(\.attempt).sorted()
        #expect(granted == [4, 5])
        let grants = fleet.assigns(to: "w1")
        for assign in grants { fleet.report("w1", assign, .failed) }
        let status = try #require(fleet.build("resumed")?.status[0])
        #expect(status.final && status.failed)
    }
}
