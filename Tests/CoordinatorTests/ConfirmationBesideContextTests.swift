@testable import Coordinator
import Model
import Testing
import Wire

/// A test whose first retry runs after its predecessors (a context retry, the slow one) gets its
/// confirmation runs as soon as its plain retries failed, and is final only once the context
/// retry failed too (`BuildState.confirmsBesideContextRetry`).
@Suite struct ConfirmationBesideContextTests {
    typealias Files = RetryContextTests

    /// test_c fails where test_a and test_b did not run before it: its retries go out, attempt 2
    /// after them, attempt 3 alone (one worker, three attempts, two confirmation runs).
    func contextRetryOut() throws -> (fleet: FleetHarness, context: Assign, plain: Assign) {
        let fleet = FleetHarness()
        let first = try RetryContextTests().start(fleet, [Files.a, Files.b, Files.c], confirmAttempts: 2)
        fleet.report("w1", lease: first.lease, placed: [
            (Files.a, 1, .passed, RunPlace(process: 11, position: 0)),
            (Files.b, 1, .passed, RunPlace(process: 11, position: 1)),
            (Files.c, 1, .failed, RunPlace(process: 22, position: 0)),
        ])
        let context = try #require(grant(of: 2, in: fleet))
        #expect(context.tests == [GrantedTest(name: Files.c, attempt: 2, context: [Files.a, Files.b])])
        return (fleet, context, try #require(grant(of: 3, in: fleet)))
    }

    func grant(of attempt: Int, in fleet: FleetHarness) -> Assign? {
        fleet.assigns(to: "w1").first { $0.tests.first?.attempt == attempt }
    }

    func confirmations(_ fleet: FleetHarness) -> [Assign] {
        fleet.assigns(to: "w1").filter { ($0.tests.first?.attempt ?? 0) > 3 }
    }

    /// Fails each confirmation run as it goes out (the one-slot worker gets the next when one
    /// ends); returns the attempts run.
    func failEveryConfirmation(_ fleet: FleetHarness) -> [Int] {
        var failed: [UInt64: Int] = [:]
        while let next = confirmations(fleet).first(where: { failed[$0.lease] == nil }) {
            failed[next.lease] = next.tests.first?.attempt
            fleet.report("w1", next, .failed)
        }
        return failed.values.sorted()
    }

    @Test func theWaveGoesOutWhenThePlainRetryFailedAndTheTestWaitsForItsContextRetry() throws {
        let (fleet, context, plain) = try contextRetryOut()
        fleet.report("w1", plain, .failed)
        #expect(confirmations(fleet).first?.tests == [GrantedTest(name: Files.c, attempt: 4)])
        #expect(failEveryConfirmation(fleet) == [4, 5])
        let build = try #require(fleet.build("b1"))
        #expect(!build.status[2].final, "every confirmation run failed, but the context retry may still pass")
        #expect(!build.isComplete && build.awaitingBlockingAnswer.isEmpty)

        fleet.report("w1", context, .failed)
        #expect(build.status[2].final && build.status[2].failed)
        #expect(build.isComplete)
        #expect(build.awaitingBlockingAnswer == [2], "a confirmed break: the gate is asked whether it may excuse it")
    }

    @Test func aPassOfTheContextRetryEndsTheTestWhatTheWaveReports() throws {
        let (fleet, context, plain) = try contextRetryOut()
        fleet.report("w1", plain, .failed)
        let firstRun = try #require(confirmations(fleet).first)
        fleet.report("w1", firstRun, .failed)
        fleet.report("w1", context, .passed)
        _ = failEveryConfirmation(fleet)  // any still going report into the void
        let status = try #require(fleet.build("b1")?.status[2])
        #expect(status.final && !status.failed && status.passedOnRetry)
        #expect(fleet.build("b1")?.awaitingBlockingAnswer.isEmpty == true)
    }

    @Test func theContextRetryFailingFirstLeavesTheWaveAsBefore() throws {
        let (fleet, context, plain) = try contextRetryOut()
        fleet.report("w1", context, .failed)
        #expect(confirmations(fleet).isEmpty, "the plain retry may still pass")
        fleet.report("w1", plain, .failed)
        #expect(failEveryConfirmation(fleet) == [4, 5])
        let status = try #require(fleet.build("b1")?.status[2])
        #expect(status.final && status.failed)
    }
}
