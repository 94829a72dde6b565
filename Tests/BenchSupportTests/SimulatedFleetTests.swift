import Model
import Planning
import Testing
@testable import BenchSupport

/// The fleet simulation behind `bench/run balance`: slots, prefetch, grant cost and round trip
/// as the live coordinator has them (SIMULATED time: no clock, no process).
@Suite struct SimulatedFleetTests {
    @Test func oneSlotPaysEveryGrantAndEveryRoundTripItWaitsFor() {
        // One worker, one slot, grants too expensive to prefetch (c = 0.25 s): each grant waits
        // for the round trip (0.5 s) after the previous one ended. Four tests of 1 s: budgets
        // max(4/2, 4c) = 2 tests, then max(2/2, 1) = 1, then 1. Ends: 0.25 + 2 = 2.25;
        // + 0.5 + 0.25 + 1 = 4.0; + 0.5 + 0.25 + 1 = 5.75.
        let tests = (0..<4).map { TestCase(name: "t\($0)", suite: 0, predicted: 1, index: $0) }
        let outcome = SimulatedFleet(slots: [1], grantCost: 0.25, roundTrip: 0.5).run(tests: tests) { _ in 1 }
        #expect(outcome.ran == 4)
        #expect(outcome.grants == 3)
        #expect(outcome.makespan == 5.75)
    }

    @Test func aPrefetchedGrantHidesTheRoundTrip() {
        // The same with cheap grants (c = 0.01 s): the slot holds a second grant while it runs
        // the first, so it never waits for a round trip; only grant costs add up.
        let tests = (0..<4).map { TestCase(name: "t\($0)", suite: 0, predicted: 1, index: $0) }
        let outcome = SimulatedFleet(slots: [1], grantCost: 0.01, roundTrip: 0.5).run(tests: tests) { _ in 1 }
        #expect(outcome.ran == 4)
        #expect(abs(outcome.makespan - (4 + 0.01 * Double(outcome.grants))) < 1e-9, "\(outcome)")
    }

    @Test func everyTestRunsOnceOnEveryShape() {
        let tests = (0..<2000).map { TestCase(name: "t\($0)", suite: 0, predicted: Double($0 % 13) / 100, index: $0) }
        for slots in [[1], [2, 2, 2], [4, 1], [8, 8, 8, 8]] {
            for cost in [0.000_2, 0.5] {
                let outcome = SimulatedFleet(slots: slots, grantCost: cost, roundTrip: 0.002).run(tests: tests) { $0.predicted }
                #expect(outcome.ran == 2000, "slots \(slots), grant cost \(cost)")
            }
        }
    }

    @Test func theLivePolicyBalancesThreeTwoSlotWorkersWhereSizingByWorkersDidNot() {
        let suite = SimulatedSuite(count: 3000, seed: 1, meanMilliseconds: 20)
        let actual = (0..<3000).map { suite.duration(of: $0) }
        let ideal = actual.reduce(0, +) / 6
        let tests = (0..<3000).map { TestCase(name: suite.name(of: $0), suite: 0, predicted: 1, index: $0) }
        let live = SimulatedFleet(slots: [2, 2, 2], grantCost: 0.000_2, roundTrip: 0.002).run(tests: tests) { actual[$0.index] }
        let before = SimulatedFleet(slots: [2, 2, 2], grantCost: 0.000_2, roundTrip: 0.002, sizedFor: 3)
            .run(tests: tests) { actual[$0.index] }
        #expect(live.makespan <= 1.03 * ideal, "live policy: \(live.makespan) s for an ideal \(ideal) s")
        #expect(before.makespan >= 1.4 * ideal, "sized by workers: \(before.makespan) s for an ideal \(ideal) s")
    }
}
