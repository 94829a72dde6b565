@testable import Coordinator
import Model
import Testing
import Wire

/// What the coordinator loop no longer does in proportion to a build's size: a build is prepared
/// off the loop (statuses, sorted queue, name index) and only linked in, and a backlog of stored
/// results is applied a bounded slice per loop turn.
@Suite struct OffLoopAdmissionTests {
    func planned(_ id: String, tests count: Int) -> PlannedBuild {
        PlannedBuild(
            spec: BuildSpec(id: id, suite: "sim:\(count)"), suites: [SuiteDefinition(name: "unit", adapter: .simulated, directory: "/")],
            tests: (0..<count).map { TestCase(name: "t\($0)", suite: 0, predicted: Double($0 % 7), index: $0) }, grantCost: 0.000_2)
    }

    @Test func aPreparedBuildHasItsQueueAndIndexBeforeTheLoopSeesIt() {
        let stored: StoredAttempts = ["t3": (attempt: 1, outcome: .passed, worker: "w1")]
        let build = BuildState.prepared(planned("b1", tests: 10), stored: stored)
        #expect(build.pending.count == 9, "the test with a stored pass is not queued")
        #expect(build.finalCount == 1)
        #expect(build.index(of: "t7") == 7)
        #expect(build.index(of: "nope") == nil)
    }

    @Test func startingAPreparedBuildGrantsItsLongestTestsFirst() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.core.start(BuildState.prepared(planned("b1", tests: 20), stored: [:]), watcher: nil, now: fleet.now)
        fleet.drain()
        let grant = try #require(fleet.assigns(to: "w1").first)
        #expect(grant.tests.first?.name == "t6", "predicted 6 s, the longest")
        #expect(fleet.build("b1")?.startedAt == fleet.now, "its clock starts when the loop links it in")
    }

    func batches(_ sizes: [Int]) -> [ReceivedBatch] {
        sizes.enumerated().map { position, size in
            ReceivedBatch(from: Array("w1".utf8), batch: ResultBatch(lease: 1, build: "b1", sequence: UInt64(position), results: (0..<size).map {
                TestResult(test: "t\($0)", attempt: 1, outcome: .passed, duration: 0, worker: "w1", arch: .x86_64)
            }))
        }
    }

    @Test func aTurnAppliesWholeBatchesUpToItsShareOfResults() {
        let per = CoordinatorLoop.resultsPerTurn
        #expect(CoordinatorLoop.sliceEnd(of: batches([10, 20, 30])) == 3, "a small backlog goes in one turn")
        #expect(CoordinatorLoop.sliceEnd(of: batches([per / 2, per / 2, 1])) == 2)
        #expect(CoordinatorLoop.sliceEnd(of: batches([per * 3, 1])) == 1, "one batch bigger than a turn's share still goes")
        #expect(CoordinatorLoop.sliceEnd(of: []) == 0)
    }
}
