@testable import Coordinator
import Model
import Testing
import Wire

/// Once a test being confirmed has failed a confirmation run as well, the tests that started
/// confirming after it wait for it: if it is broken (and the gate cannot excuse it) their runs
/// would be dropped anyway, and while they wait they take no slot from the build.
@Suite struct ConfirmationHoldTests {
    /// Two workers and t1, t2, t3 (one ordinary attempt, three confirmation runs each); t3 stays
    /// running throughout. t1 fails, then one of its confirmation runs fails, then t2 fails.
    func t2FailsBehindABrokenLookingT1() throws -> FleetHarness {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.hello("w2")
        fleet.start(["t1", "t2", "t3"], maxAttempts: 1, confirmAttempts: 3)
        try fail("t1", attempt: 1, in: fleet)
        let confirmations = runs(of: "t1", in: fleet)
        #expect(!confirmations.isEmpty, "t1's confirmation runs did not go out")
        let first = try #require(confirmations.first)
        fleet.report(first.worker, lease: first.grant.lease, [("t1", first.attempt, .failed)])
        try fail("t2", attempt: 1, in: fleet)
        #expect(fleet.build("b1")?.retries.contains { fleet.build("b1")?.planned.tests[$0.index].name == "t2" } == true,
                "t2's confirmation runs were not queued")
        #expect(runs(of: "t2", in: fleet).isEmpty, "t2's confirmation runs went out while t1's were undecided")
        return fleet
    }

    /// Reports `test` failing `attempt` on the worker holding it.
    func fail(_ test: String, attempt: Int, in fleet: FleetHarness) throws {
        let holder = try #require(["w1", "w2"].lazy.flatMap { worker in
            fleet.assigns(to: worker).filter { $0.tests.contains { $0.name == test && $0.attempt == attempt } }.map { (worker, $0) }
        }.first, "\(test) attempt \(attempt) never went out")
        fleet.report(holder.0, lease: holder.1.lease, [(test, attempt, .failed)])
    }

    /// Every confirmation run (attempt above 1) of `test` granted so far.
    func runs(of test: String, in fleet: FleetHarness) -> [(worker: String, grant: Assign, attempt: Int)] {
        ["w1", "w2"].flatMap { worker in
            fleet.assigns(to: worker).compactMap { grant in
                grant.tests.first { $0.name == test && $0.attempt > 1 }.map { (worker, grant, $0.attempt) }
            }
        }
    }

    /// t1's confirmation runs not reported yet, reported with `outcome` until the store is asked
    /// about t1 (or, for a pass, after the first).
    func finishT1(_ outcome: Outcome, in fleet: FleetHarness) throws {
        var reported: Set<Int> = [try #require(runs(of: "t1", in: fleet).first).attempt]
        while fleet.askedWhetherBlocking.isEmpty {
            let next = try #require(runs(of: "t1", in: fleet).first { !reported.contains($0.attempt) },
                                    "t1's confirmation runs stopped going out")
            reported.insert(next.attempt)
            fleet.report(next.worker, lease: next.grant.lease, [("t1", next.attempt, outcome)])
            if outcome == .passed { return }
        }
    }

    @Test func aBrokenTestsConfirmationRunsSpareTheOthersWhenTheBuildCannotPass() throws {
        let fleet = try t2FailsBehindABrokenLookingT1()
        try finishT1(.failed, in: fleet)
        #expect(fleet.askedWhetherBlocking == ["b1/t1"])
        // Still held while the store is asked: its answer may end them.
        #expect(runs(of: "t2", in: fleet).isEmpty)
        fleet.answerWhetherBlocking(test: "t1", blocks: true)
        let build = try #require(fleet.build("b1"))
        #expect(runs(of: "t2", in: fleet).isEmpty, "t2 ran confirmation runs in a build that could not pass")
        #expect(build.retries.isEmpty)
        #expect(build.status[try #require(build.index(of: "t2"))].final)
        #expect(build.failedCount == 2)
    }

    @Test func heldConfirmationRunsGoOutWhenTheGateMayExcuseTheFirstTest() throws {
        let fleet = try t2FailsBehindABrokenLookingT1()
        try finishT1(.failed, in: fleet)
        fleet.answerWhetherBlocking(test: "t1", blocks: false)
        #expect(!runs(of: "t2", in: fleet).isEmpty, "t2's confirmation runs stayed held")
        #expect(fleet.finished.isEmpty)
    }

    @Test func heldConfirmationRunsGoOutWhenTheFirstTestPasses() throws {
        let fleet = try t2FailsBehindABrokenLookingT1()
        try finishT1(.passed, in: fleet)
        let build = try #require(fleet.build("b1"))
        #expect(build.status[try #require(build.index(of: "t1"))].final)
        #expect(!runs(of: "t2", in: fleet).isEmpty, "t2's confirmation runs stayed held after t1 passed")
        #expect(fleet.askedWhetherBlocking.isEmpty)
    }
}
