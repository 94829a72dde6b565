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

    /// One worker and a build of `count` tests predicted `predicted` s each (grant cost 1 s).
    func oneWorker(count: Int, predicted: Double, firstBuild: Bool) -> FleetHarness {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.start(cases: (0..<count).map { TestCase(name: "t.py::t\($0)", suite: 0, predicted: predicted) },
                    firstBuild: firstBuild)
        return fleet
    }

    /// A first build's predictions are a guess: its grants are half the share a later build's
    /// are, so a grant that holds the suite's slow files is not a quarter of the build.
    @Test func aFirstBuildsGrantsAreHalfALaterBuildsShare() throws {
        let later = try #require(oneWorker(count: 64, predicted: 1, firstBuild: false).assigns(to: "w1").first)
        let first = try #require(oneWorker(count: 64, predicted: 1, firstBuild: true).assigns(to: "w1").first)
        #expect(later.tests.count == 32, "64 s over a divisor of 2 and one worker")
        #expect(first.tests.count == 16)
    }

    /// In a first build, tests that run at a tenth of their predictions make the grant floor
    /// (four grant costs of real work) ten times the predicted seconds; when tests run as
    /// predicted, and in later builds, the floor stays four grant costs.
    @Test func theGrantFloorHoldsRealWorkAtTheBuildsPace() throws {
        func secondGrant(took duration: Double, firstBuild: Bool = true) throws -> (Int, Double) {
            let fleet = oneWorker(count: 200, predicted: 0.5, firstBuild: firstBuild)
            let first = try #require(fleet.assigns(to: "w1").first)
            #expect(first.tests.count == (firstBuild ? 50 : 100), "100 s over a divisor of 2, twice as many shares in a first build")
            // Two batches: a grant goes out as results arrive, before they are applied
            // (`GrantBeforeStoreTests`), so the first batch's pace sizes it.
            let half = first.tests.count / 2
            for half in [first.tests.prefix(half), first.tests.dropFirst(half)] {
                fleet.report("w1", lease: first.lease, half.map { ($0.name, 1, .passed) }, duration: duration)
            }
            let second = try #require(fleet.assigns(to: "w1").dropFirst().first)
            return (second.tests.count, try #require(fleet.build("b1")).pace)
        }
        let (asPredicted, one) = try secondGrant(took: 0.5)
        #expect(one == 1)
        #expect(asPredicted == 38, "remaining 75 s over 2 × 1 share × 2: 18.75 s, to the nearest test")
        let (fast, tenth) = try secondGrant(took: 0.05)
        #expect(abs(tenth - 0.1) < 1e-9)
        #expect(fast == 80, "the floor: 4 s of real work, 40 s as predicted")
        let (fastest, slowest) = try secondGrant(took: 0.001)
        #expect(slowest == BuildState.slowestPace && fastest == 80, "the pace stops at a tenth")
        let (later, measured) = try secondGrant(took: 0.05, firstBuild: false)
        #expect(measured == 1 && later == 50, "later builds' predictions are measured: remaining 50 s over 2")
    }

    @Test func thePaceWaitsForASecondOfPredictions() {
        let fleet = oneWorker(count: 200, predicted: 0.5, firstBuild: true)
        guard let first = fleet.assigns(to: "w1").first else { Issue.record("no grant"); return }
        fleet.report("w1", lease: first.lease, [(first.tests[0].name, 1, .passed)], duration: 0.01)
        #expect(fleet.build("b1")?.pace == 1, "0.5 s of predictions reported")
        fleet.report("w1", lease: first.lease, [(first.tests[1].name, 1, .passed)], duration: 0.01)
        #expect(fleet.build("b1")?.pace == 0.1, "1 s of predictions at 0.02: the slowest pace")
    }
}
