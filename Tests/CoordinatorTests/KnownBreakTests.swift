@testable import Coordinator
import Model
import Testing
import Wire

/// A known break (`TestCase.knownBreak`: it never passed in a build's worth of runs) gets one
/// retry (on another worker, when there is one) and no confirmation runs; the core asks whether the gate may excuse it, as
/// for a test that failed all of them, and a "no" ends the other tests' confirmation runs.
@Suite struct KnownBreakTests {
    /// One worker, `broken` (a known break) and `other`, three attempts and two confirmation
    /// runs; both fail every ordinary attempt. Returns the harness.
    func bothFailTheirOrdinaryAttempts() throws -> FleetHarness {
        let fleet = FleetHarness()
        fleet.hello("w1")
        var tests = [TestCase(name: "broken", suite: 0), TestCase(name: "other", suite: 0)]
        tests[0].knownBreak = true
        fleet.start(cases: tests, maxAttempts: 3, confirmAttempts: 2)
        reportFailures(fleet, upTo: 3)
        return fleet
    }

    /// Reports every unreported grant whose attempts are all at most `last` as failed.
    func reportFailures(_ fleet: FleetHarness, upTo last: Int) {
        var reported: Set<UInt64> = []
        while let grant = fleet.assigns(to: "w1").first(where: {
            !reported.contains($0.lease) && $0.tests.allSatisfy { $0.attempt <= last } && fleet.core.leases[$0.lease] != nil
        }) {
            reported.insert(grant.lease)
            fleet.report("w1", grant, .failed)
        }
    }

    func attempts(of test: String, _ fleet: FleetHarness) -> [Int] {
        fleet.assigns(to: "w1").flatMap(\.tests).filter { $0.name == test }.map(\.attempt).sorted()
    }

    @Test func aKnownBreakGetsOneRetryButNoConfirmationRuns() throws {
        let fleet = try bothFailTheirOrdinaryAttempts()
        #expect(attempts(of: "broken", fleet) == [1, 2])
        #expect(attempts(of: "other", fleet) == [1, 2, 3, 4, 5])
        let broken = try #require(fleet.build("b1")?.status[0])
        #expect(broken.final && broken.failed && !broken.confirming)
        #expect(fleet.askedWhetherBlocking == ["b1/broken"])
    }

    @Test func aKnownBreakTheGateCannotExcuseEndsTheOtherTestsConfirmationRuns() throws {
        let fleet = try bothFailTheirOrdinaryAttempts()
        fleet.answerWhetherBlocking(test: "broken", blocks: true)
        #expect(fleet.finished == ["b1"])
        #expect(fleet.build("b1")?.cannotPass == true)
        #expect(fleet.build("b1")?.failedCount == 2)
    }

    @Test func aQuarantinedKnownBreakLeavesTheOthersTheirConfirmationRuns() throws {
        let fleet = try bothFailTheirOrdinaryAttempts()
        fleet.answerWhetherBlocking(test: "broken", blocks: false)
        #expect(fleet.finished.isEmpty)
        reportFailures(fleet, upTo: 5)
        #expect(fleet.finished == ["b1"])
        #expect(fleet.build("b1")?.status[1].confirmationFailures == 2)
    }
}
