@testable import Coordinator
import Model
import Testing
import Wire

/// A known break's one retry goes out with its first attempt, to another worker
/// (`BuildState.queueEarlyRetries`): the two run at once instead of one after the other.
@Suite struct EarlyRetryTests {
    /// Starts a build of `fixed` (a known break) and `plain` on the workers said hello so far.
    func start(_ fleet: FleetHarness, tests: [String] = ["fixed", "plain"]) {
        var cases = tests.map { TestCase(name: $0, suite: 0, predicted: 1) }
        cases[0].knownBreak = true
        fleet.start(cases: cases, maxAttempts: 3, confirmAttempts: 2)
    }

    /// The worker that got `test`'s attempt `attempt`, and that grant.
    func grant(of test: String, attempt: Int, _ fleet: FleetHarness, workers: [String] = ["w1", "w2"]) -> (String, Assign)? {
        for worker in workers {
            if let assign = fleet.assigns(to: worker).first(where: { $0.tests.contains { $0.name == test && $0.attempt == attempt } }) {
                return (worker, assign)
            }
        }
        return nil
    }

    @Test func theRetryGoesToAnotherWorkerBeforeTheFirstAttemptReports() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.hello("w2")
        start(fleet)
        let (firstOn, first) = try #require(grant(of: "fixed", attempt: 1, fleet))
        let (retryOn, retry) = try #require(grant(of: "fixed", attempt: 2, fleet))
        #expect(firstOn != retryOn)
        // Only the one ordinary retry a known break gets.
        #expect(grant(of: "fixed", attempt: 3, fleet) == nil)
        fleet.report(firstOn, lease: first.lease, [("fixed", 1, .failed)])
        fleet.report(retryOn, retry, .failed)
        let status = try #require(fleet.build("b1")?.status[0])
        #expect(status.final && status.failed && !status.confirming)
        #expect(fleet.askedWhetherBlocking == ["b1/fixed"])
    }

    /// Two workers and one known break, `fixed`: its first attempt's grant and its retry's,
    /// each with its worker.
    func twoGrantsOfOneKnownBreak() throws -> (FleetHarness, first: (String, Assign), retry: (String, Assign)) {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.hello("w2")
        start(fleet, tests: ["fixed"])
        return (fleet, try #require(grant(of: "fixed", attempt: 1, fleet)), try #require(grant(of: "fixed", attempt: 2, fleet)))
    }

    @Test func aRetryThatPassesFirstWaitsForTheFirstAttempt() throws {
        let (fleet, (firstOn, first), (retryOn, retry)) = try twoGrantsOfOneKnownBreak()
        fleet.report(retryOn, retry, .passed)
        #expect(fleet.build("b1")?.status[0].final == false)
        #expect(fleet.finished.isEmpty)
        fleet.report(firstOn, first, .failed)
        let status = try #require(fleet.build("b1")?.status[0])
        #expect(status.final && !status.failed && status.passedOnRetry)
        #expect(fleet.finished == ["b1"])
    }

    @Test func aFirstAttemptThatPassesEndsTheTestWhateverTheRetryReportsLater() throws {
        let (fleet, (firstOn, first), (retryOn, retry)) = try twoGrantsOfOneKnownBreak()
        #expect(fleet.build("b1")?.retriedTests == [0])
        fleet.report(firstOn, first, .passed)
        let status = try #require(fleet.build("b1")?.status[0])
        #expect(status.final && !status.failed && !status.passedOnRetry)
        // Not one of the build's failing tests, whose retries a broad break keeps.
        #expect(fleet.build("b1")?.retriedTests.isEmpty == true)
        fleet.report(retryOn, retry, .failed)
        #expect(fleet.build("b1")?.failedCount == 0)
        #expect(fleet.finished == ["b1"])
    }

    @Test func aLoneWorkerTakesTheRetryOnlyOnceTheFirstAttemptFailed() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        start(fleet, tests: ["fixed"])
        let first = try #require(grant(of: "fixed", attempt: 1, fleet, workers: ["w1"])?.1)
        #expect(grant(of: "fixed", attempt: 2, fleet, workers: ["w1"]) == nil)
        fleet.report("w1", first, .failed)
        let retry = try #require(grant(of: "fixed", attempt: 2, fleet, workers: ["w1"])?.1)
        fleet.report("w1", retry, .failed)
        #expect(fleet.build("b1")?.status[0].failed == true)
    }

    @Test func aTestThatIsNotAKnownBreakIsRetriedOnlyOnceItFailed() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.hello("w2")
        start(fleet)
        #expect(grant(of: "plain", attempt: 2, fleet) == nil)
        let (firstOn, first) = try #require(grant(of: "plain", attempt: 1, fleet))
        fleet.report(firstOn, lease: first.lease, [("plain", 1, .failed)])
        let (retryOn, _) = try #require(grant(of: "plain", attempt: 2, fleet))
        #expect(retryOn != firstOn)
    }

    @Test func aReclaimNeverGivesBackAFirstAttemptWhoseRetryWentOutEarly() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.hello("w2")
        start(fleet)
        let build = try #require(fleet.build("b1"))
        #expect(build.givesBackEarlyRetried([1, 0]))
        #expect(!build.givesBackEarlyRetried([1]))
        let (firstOn, first) = try #require(grant(of: "fixed", attempt: 1, fleet))
        fleet.report(firstOn, lease: first.lease, [("fixed", 1, .failed)])
        #expect(!build.givesBackEarlyRetried([1, 0]))
    }
}

/// The same for a test that failed every attempt of the previous build and never passed (not a
/// known break yet), but not in a suite's first build, where every test counts as never passed:
/// one retry, then its confirmation runs.
@Suite struct EarlyRetryOfNeverPassedTests {
    func start(_ fleet: FleetHarness, firstBuild: Bool) {
        var test = TestCase(name: "broken", suite: 0, predicted: 1)
        test.neverPassed = true
        fleet.start(cases: [test], maxAttempts: 3, confirmAttempts: 2, firstBuild: firstBuild)
    }

    func attempts(_ fleet: FleetHarness) -> [(worker: String, attempt: Int)] {
        ["w1", "w2"].flatMap { worker in fleet.assigns(to: worker).flatMap(\.tests).map { (worker, $0.attempt) } }
            .sorted { $0.attempt < $1.attempt }
    }

    /// Every grant sent so far, each with its worker.
    func grants(_ fleet: FleetHarness) -> [(String, Assign)] {
        ["w1", "w2"].flatMap { worker in fleet.assigns(to: worker).map { (worker, $0) } }
    }

    @Test func itsOneRetryGoesOutWithItsFirstAttemptElsewhere() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.hello("w2")
        start(fleet, firstBuild: false)
        let sent = attempts(fleet)
        // One ordinary retry (`BuildState.ordinaryAttempts`), as for a known break.
        #expect(sent.map(\.attempt) == [1, 2])
        #expect(sent[0].worker != sent[1].worker)
        // Not a known break: once both failed, its confirmation runs, numbered past the
        // build's three ordinary attempts as every test's are.
        for (worker, grant) in grants(fleet) { fleet.report(worker, grant, .failed) }
        #expect(attempts(fleet).map(\.attempt) == [1, 2, 4, 5])
        let build = try #require(fleet.build("b1"))
        #expect(build.status[0].confirming && !build.status[0].final)
        for (worker, grant) in grants(fleet) where grant.tests.contains(where: { $0.attempt > 3 }) {
            fleet.report(worker, grant, .failed)
        }
        #expect(build.status[0].final && build.status[0].failed)
        #expect(build.status[0].confirmationFailures == 2)
        #expect(fleet.finished == ["b1"])
    }

    @Test func aConfirmationRunThatPassesPassesIt() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.hello("w2")
        start(fleet, firstBuild: false)
        for (worker, grant) in grants(fleet) { fleet.report(worker, grant, .failed) }
        let (worker, confirmation) = try #require(grants(fleet).first { $0.1.tests.contains { $0.attempt == 5 } })
        fleet.report(worker, confirmation, .passed)
        let build = try #require(fleet.build("b1"))
        #expect(build.status[0].final && !build.status[0].failed && build.status[0].passedOnRetry)
    }

    @Test func inAFirstBuildNothingIsRetriedBeforeItFailed() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.hello("w2")
        start(fleet, firstBuild: true)
        #expect(attempts(fleet).map(\.attempt) == [1])
        // Its ordinary retries then: nothing known says it will fail again.
        for (worker, grant) in grants(fleet) { fleet.report(worker, grant, .failed) }
        #expect(attempts(fleet).map(\.attempt) == [1, 2, 3])
    }
}
