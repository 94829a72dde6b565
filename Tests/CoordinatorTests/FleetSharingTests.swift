@testable import Coordinator
import Model
import Testing
import Wire

/// Many builds on one fleet: priorities, an even share among equals, cancellation, builds that
/// cannot be served, and finished builds leaving memory.
@Suite struct FleetSharingTests {
    func start(_ fleet: FleetHarness, _ id: String, tests: Int, branch: String? = nil, priority: Int? = nil,
               arch: Arch? = nil) {
        var spec = BuildSpec(id: id, suite: "sim:unit", branch: branch)
        spec.priority = priority
        let planned = PlannedBuild(
            spec: spec, suites: [SuiteDefinition(name: "unit", adapter: .simulated, directory: "/")],
            tests: (0..<tests).map { TestCase(name: "\(id)-t\($0)", suite: 0, predicted: 1, arch: arch, index: $0) },
            grantCost: 1)
        fleet.core.start(planned, stored: [:], watcher: Array("client-\(id)".utf8), now: fleet.now)
        fleet.drain()
    }

    /// Runs every grant the workers hold to completion, `rounds` times; counts grants per build.
    @discardableResult
    func serve(_ fleet: FleetHarness, workers: [String], rounds: Int) -> [String: Int] {
        var grants: [String: Int] = [:]
        for _ in 0..<rounds {
            for worker in workers {
                let held = fleet.core.workers[FleetHarness.identity(worker)]?.leases ?? []
                for lease in held.sorted() {
                    guard let entry = fleet.core.leases[lease], let build = fleet.build(entry.build) else { continue }
                    grants[entry.build, default: 0] += 1
                    let results = entry.remaining.map { (build.planned.tests[$0.key].name, $0.value, Outcome.passed) }
                    fleet.report(worker, lease: lease, build: entry.build, results)
                }
            }
        }
        return grants
    }

    @Test func mainAndReleaseBranchesComeFirstByDefault() {
        #expect(BuildSpec.defaultPriority(branch: "main") == 10)
        #expect(BuildSpec.defaultPriority(branch: "release/2.1") == 10)
        #expect(BuildSpec.defaultPriority(branch: "refs/heads/master") == 10)
        #expect(BuildSpec.defaultPriority(branch: "feature/x") == 0)
        #expect(BuildSpec.defaultPriority(branch: nil) == 0)
        var spec = BuildSpec(id: "b", suite: "sim:1", branch: "main")
        spec.priority = -3
        #expect(spec.effectivePriority == -3)
    }

    @Test func aMainBuildSubmittedAfterPullRequestsIsServedFirst() {
        let fleet = FleetHarness()
        for w in ["w1", "w2"] { fleet.hello(w) }
        for pr in ["pr1", "pr2", "pr3"] { start(fleet, pr, tests: 200, branch: "feature/\(pr)") }
        start(fleet, "main1", tests: 40, branch: "main")
        serve(fleet, workers: ["w1", "w2"], rounds: 200)
        let order = fleet.finished
        #expect(order.first == "main1", "finish order: \(order)")
        #expect(Set(order) == ["pr1", "pr2", "pr3", "main1"])
    }

    @Test func buildsOfEqualPriorityShareTheWorkersEvenly() {
        let fleet = FleetHarness()
        for w in ["w1", "w2", "w3"] { fleet.hello(w) }
        for pr in ["pr1", "pr2", "pr3"] { start(fleet, pr, tests: 3000) }
        let grants = serve(fleet, workers: ["w1", "w2", "w3"], rounds: 30)
        let work = ["pr1", "pr2", "pr3"].map { fleet.build($0)?.workMilliseconds ?? 0 }
        let share = work.reduce(0, +) / 3
        #expect(share > 0)
        for value in work { #expect(abs(value - share) <= 0.2 * share, "work per build \(work), grants \(grants)") }
    }

    @Test func cancellingABuildRevokesItsLeasesAndTheOthersGoOn() throws {
        let fleet = FleetHarness()
        for w in ["w1", "w2"] { fleet.hello(w) }
        start(fleet, "a", tests: 100)
        start(fleet, "b", tests: 100)
        let held = fleet.core.leases.values.filter { $0.build == "a" }.map(\.id)
        #expect(!held.isEmpty)
        fleet.core.receive(.cancel(CancelBuild(build: "a", reason: "stop")), from: Array("ci".utf8), now: fleet.now)
        let effects = fleet.drain()
        #expect(fleet.core.leases.values.allSatisfy { $0.build == "b" })
        let revoked = effects.compactMap { effect -> UInt64? in
            if case .send(.revoke(let revoke), _) = effect { return revoke.lease }
            return nil
        }
        #expect(Set(revoked) == Set(held))
        #expect(effects.contains { if case .end(let build, .cancelled, _, _) = $0 { return build.id == "a" }; return false })
        #expect(fleet.core.builds["a"] == nil)
        #expect(fleet.core.workers.values.allSatisfy { !$0.leases.isEmpty }, "the freed workers took b's work")
        serve(fleet, workers: ["w1", "w2"], rounds: 100)
        #expect(fleet.finished == ["b"])
        fleet.core.receive(.cancel(CancelBuild(build: "zzz", reason: "")), from: Array("ci".utf8), now: fleet.now)
        #expect(fleet.drain().contains { if case .send(.error(let e), _) = $0 { return e.code == "not-running" }; return false })
    }

    @Test func aBuildPinnedToAnAbsentArchEndsAfterTheArchWaitNamingIt() {
        let fleet = FleetHarness()
        fleet.hello("w1")  // x86_64
        start(fleet, "arm", tests: 3, arch: .aarch64)
        fleet.housekeeping()
        fleet.now += 299_000
        fleet.housekeeping()
        #expect(fleet.core.builds["arm"] != nil, "299 s of a 300 s wait")
        fleet.now += 1_000
        fleet.housekeeping()
        let ending = fleet.effects.compactMap { effect -> String? in
            if case .end(let build, .aborted, let reason, _) = effect, build.id == "arm" { return reason }
            return nil
        }
        #expect(ending.count == 1 && ending[0].contains("aarch64"), "\(ending)")
        #expect(fleet.core.builds["arm"] == nil)
    }

    @Test func aQueuedBuildsProgressSaysHowManyAreAhead() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        start(fleet, "main1", tests: 50, branch: "main")
        start(fleet, "pr1", tests: 50)
        let progress = fleet.core.progress(of: try #require(fleet.core.builds["pr1"]))
        #expect(progress.isQueued && progress.ahead == 1)
        #expect(fleet.core.progress(of: try #require(fleet.core.builds["main1"])).running > 0)
    }
}
