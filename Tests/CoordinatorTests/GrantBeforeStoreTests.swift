@testable import Coordinator
import Model
import Testing
import Wire

/// A worker that has sent every result of a grant gets its next grant at once, while those
/// results wait for the store (which an off-loop writer may hold for a second); the lease ends,
/// and its results count, only once they are stored.
@Suite struct GrantBeforeStoreTests {
    /// A lone one-slot worker and a build of cheap grants (each half of what waits).
    func fleet() -> FleetHarness {
        let fleet = FleetHarness()
        fleet.hello("w1")
        let planned = PlannedBuild(
            spec: BuildSpec(id: "b1", suite: "sim:40"), suites: [SuiteDefinition(name: "unit", adapter: .simulated, directory: "/")],
            tests: (0..<40).map { TestCase(name: "t\($0)", suite: 0, predicted: 1, index: $0) }, grantCost: 0.000_2)
        fleet.core.start(planned, stored: [:], watcher: nil, now: fleet.now)
        fleet.drain()
        return fleet
    }

    @Test func theNextGrantGoesOutWhenTheResultsArriveNotWhenTheyAreStored() throws {
        let fleet = fleet()
        let first = try #require(fleet.assigns(to: "w1").first)
        #expect(fleet.assigns(to: "w1").count == 1, "one grant per slot (the harness prefetches none)")
        let batch = ResultBatch(lease: first.lease, build: "b1", sequence: 1, results: first.tests.map {
            TestResult(test: $0.name, attempt: $0.attempt, outcome: .passed, duration: 0.01, worker: "w1", arch: .x86_64)
        })
        fleet.core.receive(.results(batch), from: FleetHarness.identity("w1"), now: fleet.now)
        fleet.drain()
        #expect(fleet.assigns(to: "w1").count == 2, "the next grant went out before the store")
        #expect(fleet.core.leases[first.lease] != nil, "the first lease ends only when its results are stored")
        #expect(fleet.build("b1")?.finalCount == 0)
        let acksBefore = fleet.effects.filter { if case .send(.ack, _) = $0 { true } else { false } }.count
        #expect(acksBefore == 0, "nothing is acknowledged before it is stored")

        fleet.core.resultsStored(fleet.core.takeReceived(), failedBuilds: [])
        fleet.drain()
        #expect(fleet.core.leases[first.lease] == nil)
        #expect(fleet.build("b1")?.finalCount == first.tests.count)
        #expect(fleet.assigns(to: "w1").count == 2, "no extra grant when the stored lease ends: its slot was already refilled")
    }

    @Test func aHeldBackLastTestRefillsTheSlotBeforeItsAcknowledgementAndItsResultEndsTheLease() throws {
        let fleet = fleet()
        let first = try #require(fleet.assigns(to: "w1").first)
        let last = try #require(first.tests.last)
        let ran = first.tests.dropLast().map {
            TestResult(test: $0.name, attempt: $0.attempt, outcome: .passed, duration: 0.01, worker: "w1", arch: .x86_64)
        }
        fleet.core.receive(.results(ResultBatch(lease: first.lease, build: "b1", sequence: 1, results: ran)),
                           from: FleetHarness.identity("w1"), now: fleet.now)
        fleet.drain()
        #expect(fleet.assigns(to: "w1").count == 1, "the grant's last test has not run")
        // The slot holds the last test back until its next grant comes (a warm session keeps
        // its module set up if the next test shares it).
        let holding = fleet.drain().count
        fleet.core.receive(.results(ResultBatch(lease: first.lease, build: "b1", sequence: 2, results: [], holding: [last.name])),
                           from: FleetHarness.identity("w1"), now: fleet.now)
        let answer = fleet.drain()
        #expect(holding == 0)
        let assignAt = answer.firstIndex { if case .send(.assign, _) = $0 { true } else { false } }
        let ackAt = answer.firstIndex { if case .send(.ack(let ack), _) = $0 { ack.sequence == 2 && ack.refused == nil } else { false } }
        #expect(assignAt != nil && ackAt != nil && assignAt! < ackAt!, "the next grant, then the acknowledgement: \(answer)")
        #expect(fleet.core.leases[first.lease] != nil, "the lease waits for the held result")

        fleet.core.resultsStored(fleet.core.takeReceived(), failedBuilds: [])
        fleet.report("w1", lease: first.lease, [(last.name, 1, .passed)], sequence: 3)
        #expect(fleet.core.leases[first.lease] == nil)
        #expect(fleet.build("b1")?.finalCount == first.tests.count)
        #expect(fleet.assigns(to: "w1").count == 2, "one refill for the grant, not another when the held result came")
    }

    @Test func aBatchStoredLaterAndResentMeanwhileCountsOnce() throws {
        let fleet = fleet()
        let first = try #require(fleet.assigns(to: "w1").first)
        let results = first.tests.map {
            TestResult(test: $0.name, attempt: $0.attempt, outcome: .passed, duration: 0.01, worker: "w1", arch: .x86_64)
        }
        // The worker resends the unacknowledged batch before the store got to it.
        for sequence: UInt64 in [1, 1] {
            fleet.core.receive(.results(ResultBatch(lease: first.lease, build: "b1", sequence: sequence, results: results)),
                               from: FleetHarness.identity("w1"), now: fleet.now)
        }
        fleet.drain()
        #expect(fleet.assigns(to: "w1").count == 2, "one refill for one grant run, not one per copy")
        fleet.core.resultsStored(fleet.core.takeReceived(), failedBuilds: [])
        fleet.drain()
        #expect(fleet.build("b1")?.finalCount == first.tests.count)
    }
}
