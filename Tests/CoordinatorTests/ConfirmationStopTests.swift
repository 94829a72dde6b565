@testable import Coordinator
import Model
import Testing
import Wire

/// A test that failed every ordinary attempt gets confirmation runs, which stop at its first pass.
@Suite struct ConfirmationStopTests {
    /// Runs t1 on a lone worker, answering each grant with the next outcome; returns the attempts run.
    func attempts(outcomes: [Outcome], maxAttempts: Int, confirmAttempts: Int) throws -> (FleetHarness, [Int]) {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.start(["t1"], maxAttempts: maxAttempts, confirmAttempts: confirmAttempts, confirmLimit: 1)
        var run: [Int] = []
        for outcome in outcomes {
            guard let grant = fleet.assigns(to: "w1").dropFirst(run.count).first else { break }
            run.append(try #require(grant.tests.first).attempt)
            fleet.report("w1", grant, outcome)
        }
        return (fleet, run)
    }

    @Test func confirmationRunsStopAtTheFirstPass() throws {
        let (fleet, run) = try attempts(outcomes: [.failed, .failed, .failed, .passed, .failed, .failed],
                                        maxAttempts: 2, confirmAttempts: 4)
        #expect(run == [1, 2, 3, 4])
        #expect(fleet.assigns(to: "w1").count == 4)
        #expect(fleet.finished == ["b1"])
        let build = try #require(fleet.build("b1"))
        #expect(build.failedCount == 0)
        #expect(build.status[0].confirming)
    }

    @Test func aTestFailingEveryConfirmationRunFailsAfterAllOfThem() throws {
        let (fleet, run) = try attempts(outcomes: Array(repeating: .failed, count: 8), maxAttempts: 2, confirmAttempts: 3)
        #expect(run == [1, 2, 3, 4, 5])
        #expect(fleet.finished == ["b1"])
        #expect(fleet.build("b1")?.failedCount == 1)
    }

    @Test func onlyConfirmLimitTestsGetConfirmationRuns() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.start(["t1", "t2"], maxAttempts: 1, confirmAttempts: 2, confirmLimit: 1)
        let grant = try #require(fleet.assigns(to: "w1").first)
        #expect(grant.tests.count == 2)
        fleet.report("w1", grant, .failed)
        let confirmations = fleet.assigns(to: "w1").dropFirst().flatMap(\.tests)
        #expect(confirmations.count == 1)
        #expect(confirmations.first?.attempt == 2)
        #expect(fleet.build("b1")?.failedCount == 1)
    }
}
