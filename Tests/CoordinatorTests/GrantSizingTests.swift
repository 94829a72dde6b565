@testable import Coordinator
import Model
import Testing
import Wire

/// Grants are sized as a share of every grant the fleet holds at once (slots × grants per
/// slot), so the first worker served does not take a whole worker's share — or half the build —
/// into its prefetched grants.
@Suite struct GrantSizingTests {
    /// Three workers with two slots each (four grants each: one running, one prefetched per
    /// slot), then one build of 3,000 cheap tests (a simulated suite's grant cost).
    func fleetWithBuild(grantCost: Double) -> (CoordinatorCore, [String: Int]) {
        let core = CoordinatorCore(config: CoordinatorConfig(endpoint: "tcp://127.0.0.1:0"), session: "s")
        for worker in ["w1", "w2", "w3"] {
            core.receive(.hello(Hello(worker: worker, arch: .x86_64, slots: 2, pid: 0, instance: 1)), from: Array(worker.utf8), now: 1000)
        }
        let planned = PlannedBuild(
            spec: BuildSpec(id: "b", suite: "sim:3000"), suites: [.simulated(SimulatedSuite(count: 3000))],
            tests: (0..<3000).map { TestCase(name: "sim::t\($0)", suite: 0, predicted: 0.02, index: $0) }, grantCost: grantCost)
        core.start(planned, stored: [:], watcher: nil, now: 1000)
        var granted: [String: Int] = [:]
        for effect in core.effects {
            if case .send(.assign(let assign), let to) = effect { granted[String(decoding: to, as: UTF8.self), default: 0] += assign.tests.count }
        }
        return (core, granted)
    }

    @Test func theFirstWorkerServedTakesLessThanItsShareIntoItsPrefetchedGrants() {
        let (core, granted) = fleetWithBuild(grantCost: 0.000_2)
        #expect(core.leases.count == 12, "four grants per 2-slot worker")
        let first = granted.values.max() ?? 0
        // Sized by worker count, the first worker took 1 − (5/6)^4 = 52 % of the build.
        #expect(first <= 1000, "grants per worker: \(granted)")
        #expect(granted.values.reduce(0, +) < 3000, "work is left for later grants: \(granted)")
    }

    @Test func expensiveGrantsAreNotPrefetchedAndAreSizedPerSlot() {
        let (core, granted) = fleetWithBuild(grantCost: 0.5)
        #expect(core.leases.count == 3, "one grant per worker while it runs one: \(granted)")
        for count in granted.values { #expect(count <= 1000, "grants per worker: \(granted)") }
    }
}
