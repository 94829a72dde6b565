@testable import Coordinator
import Model
import Testing
import Wire

/// A failed test's retry goes to a worker other than the one that failed it, unless that worker
/// is the only one.
@Suite struct RetryPlacementTests {
    @Test func aRetryGoesToTheOtherWorker() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.hello("w2")
        fleet.start(["t1"], maxAttempts: 2)
        let failing = fleet.assigns(to: "w1").isEmpty ? "w2" : "w1"
        let other = failing == "w1" ? "w2" : "w1"
        let first = try #require(fleet.assigns(to: failing).first)

        let before = fleet.effects.count
        fleet.report(failing, first, .failed)
        fleet.now += 100
        fleet.housekeeping()
        let after = Array(fleet.effects[before...])
        #expect(fleet.assigns(to: failing, in: after).isEmpty)
        let retry = try #require(fleet.assigns(to: other, in: after).first)
        #expect(retry.tests == [GrantedTest(name: "t1", attempt: 2)])

        fleet.report(other, retry, .passed)
        #expect(fleet.finished == ["b1"])
        #expect(fleet.build("b1")?.status[0].passedOnRetry == true)
    }

    @Test func theOnlyWorkerTakesItsOwnRetry() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.start(["t1"], maxAttempts: 2)
        let first = try #require(fleet.assigns(to: "w1").first)
        fleet.report("w1", first, .failed)
        #expect(fleet.assigns(to: "w1").map(\.tests) == [[GrantedTest(name: "t1", attempt: 1)],
                                                         [GrantedTest(name: "t1", attempt: 2)]])
    }

    @Test func aRetryStartsAtOnceOnTheOtherWorkersRetryLaneRatherThanGoBackToTheFailingOne() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.hello("w2")
        fleet.start(["t1", "t2"], maxAttempts: 2)
        let g1 = try #require(fleet.assigns(to: "w1").first)
        let g2 = try #require(fleet.assigns(to: "w2").first)
        fleet.report("w1", g1, .failed)
        // w2 is busy with g2, but takes the retry at once in its retry lane; w1, idle, must not
        // take back what it failed.
        #expect(fleet.assigns(to: "w1").count == 1)
        let retry = try #require(fleet.assigns(to: "w2").last)
        #expect(retry.lease != g2.lease)
        #expect(retry.tests == g1.tests.map { GrantedTest(name: $0.name, attempt: 2) })
        #expect(fleet.core.leases[retry.lease]?.retryLane == true)
    }

    @Test func theFailedTestsOfSeveralModulesAreRetriedInOneGrant() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.start(["a.py::t1", "b.py::t2", "c.py::t3"], maxAttempts: 2)
        let first = try #require(fleet.assigns(to: "w1").first)
        #expect(first.tests.count == 3)
        fleet.report("w1", first, .failed)
        let retries = fleet.assigns(to: "w1").dropFirst()
        #expect(retries.map { $0.tests.map(\.name).sorted() } == [["a.py::t1", "b.py::t2", "c.py::t3"]])
        #expect(retries.first?.tests.allSatisfy { $0.attempt == 2 } == true)
    }

    @Test func retriesOfTwoSuitesGoInSeparateGrants() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        let spec = BuildSpec(id: "b1", suite: "sim:unit", maxAttempts: 2)
        let suites = [SuiteDefinition(name: "one", adapter: .simulated, directory: "/"),
                      SuiteDefinition(name: "two", adapter: .simulated, directory: "/")]
        let tests = [TestCase(name: "one::t1", suite: 0), TestCase(name: "two::t2", suite: 1)]
        fleet.core.start(PlannedBuild(spec: spec, suites: suites, tests: tests, grantCost: 1), stored: [:], watcher: nil,
                         now: fleet.now)
        fleet.drain()
        var reported: Set<UInt64> = []
        while let grant = fleet.assigns(to: "w1").first(where: { $0.tests[0].attempt == 1 && !reported.contains($0.lease) }) {
            reported.insert(grant.lease)
            fleet.report("w1", grant, .failed)
        }
        let retries = fleet.assigns(to: "w1").filter { $0.tests[0].attempt == 2 }
        #expect(retries.count == 2)
        for grant in retries {
            #expect(grant.tests.count == 1 && grant.tests[0].name.hasPrefix(grant.suite.name + "::"))
        }
    }
}
