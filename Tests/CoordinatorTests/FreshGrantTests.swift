@testable import Coordinator
import Model
import Testing
import Wire

/// A worker's warm session never runs a pytest test after tests later in its suite's collection
/// order: a grant's tests behind the furthest one the worker was granted go `fresh` (one fork
/// server's child runs them, in order). Tests sent ahead on purpose (failed-first) go fresh too
/// and do not move that place; retries and other frameworks get no flag.
@Suite struct FreshGrantTests {
    static let tests = (0..<6).map { "tests/test_\($0 / 2).py::test_\($0)" }

    /// Two workers on a six-test pytest suite in collection order; `groupWork`: queue keys.
    func start(groupWork: [Double]? = nil, adapter: AdapterKind = .pytest, predicted: Double = 1) -> FleetHarness {
        let fleet = FleetHarness()
        fleet.hello("w1")
        var cases = Self.tests.enumerated().map { TestCase(name: $1, suite: 0, predicted: predicted, index: $0) }
        for index in cases.indices { cases[index].groupWork = groupWork?[index] ?? 1 }
        let planned = PlannedBuild(spec: BuildSpec(id: "b1", suite: "suite.toml"),
                                   suites: [SuiteDefinition(name: "py", adapter: adapter, directory: "/")], tests: cases, grantCost: 1)
        fleet.core.start(planned, stored: [:], watcher: nil, now: fleet.now)
        fleet.drain()
        return fleet
    }

    @Test func testsBehindWhatTheWorkerRanAreGrantedFreshAndTheRestAreNot() throws {
        let fleet = start()
        let build = try #require(fleet.build("b1"))
        let place = BuildState.WarmPlace(worker: "w1", suite: 0)
        let first = try #require(fleet.assigns(to: "w1").first)
        #expect(first.tests.allSatisfy { !$0.fresh })
        #expect(build.furthestWarm[place] == first.tests.compactMap { Self.tests.firstIndex(of: $0.name) }.max())
        // Say w1's session has run test_3 by now (a later lease): taken back, the lease's tests
        // go out again, and those before test_3 must not run in that session.
        build.furthestWarm[place] = 3
        fleet.core.takeBack(first.lease, reason: "test", shun: false)
        fleet.drain()
        fleet.housekeeping()
        let again = try #require(fleet.assigns(to: "w1").last)
        #expect(again.lease != first.lease && again.tests.contains(where: \.fresh))
        for test in again.tests {
            let index = try #require(Self.tests.firstIndex(of: test.name))
            #expect(test.fresh == (index < 3), "\(again.tests)")
        }
        let furthest = again.tests.compactMap { Self.tests.firstIndex(of: $0.name) }.max() ?? 0
        #expect(build.furthestWarm[place] == max(3, furthest))
    }

    /// The child runs what a plain run ran just before the first of them, within
    /// `freshContextSeconds` and not the grant's own tests (semver's docs doctests need a name
    /// an earlier file's autouse fixture puts into the session's `doctest_namespace`).
    @Test func testsBehindTheSessionsPlaceRunAfterTheirNearestPredecessors() throws {
        let fleet = start(predicted: 0.1)
        let build = try #require(fleet.build("b1"))
        let first = try #require(fleet.assigns(to: "w1").first)
        #expect(first.tests.count == Self.tests.count, "\(first.tests)")
        fleet.report("w1", lease: first.lease, placed: [
            (Self.tests[0], 1, .passed, RunPlace(process: 11, position: 0)),
            (Self.tests[1], 1, .passed, RunPlace(process: 11, position: 1)),
        ])
        build.furthestWarm[BuildState.WarmPlace(worker: "w1", suite: 0)] = 5
        fleet.core.takeBack(first.lease, reason: "test", shun: false)
        fleet.drain()
        fleet.housekeeping()
        let again = try #require(fleet.assigns(to: "w1").last)
        #expect(again.tests.map(\.name) == Array(Self.tests[2...]), "\(again.tests)")
        #expect(again.tests.map(\.context) == [[Self.tests[0], Self.tests[1]], [], [], []], "\(again.tests)")

        // Only tests that reported (a first build's predictions are guesses), within the budget
        // of what they took, nearest first; never past it, even for the nearest one.
        #expect(build.freshContext(before: 5, excluding: [5]) == [Self.tests[0], Self.tests[1]])
        #expect(build.freshContext(before: 5, excluding: [1, 5]) == [Self.tests[0]])
        let slow = start(predicted: 0.1)
        let lease = try #require(slow.assigns(to: "w1").first).lease
        slow.report("w1", lease: lease, placed: [(Self.tests[0], 1, .passed, RunPlace(process: 11, position: 0))],
                    duration: BuildState.freshContextSeconds + 0.1)
        #expect(try #require(slow.build("b1")).freshContext(before: 3, excluding: [3]).isEmpty)
    }

    @Test func aFailureSentFirstGoesFreshAndDoesNotMoveTheSessionsPlace() throws {
        // test_5 failed the previous build: its key is above the others', so it goes first, to
        // a fork server's child (its module is not set up in the session before its turn).
        let fleet = start(groupWork: [1, 1, 1, 1, 1, 9])
        let granted = fleet.assigns(to: "w1").flatMap(\.tests)
        #expect(granted.first?.name == Self.tests[5], "\(granted)")
        #expect(granted.first?.fresh == true && !granted.dropFirst().contains { $0.fresh }, "\(granted)")
        // The session's place is the furthest test granted in order, not the one sent first.
        let build = try #require(fleet.build("b1"))
        let furthest = granted.dropFirst().compactMap { Self.tests.firstIndex(of: $0.name) }.max()
        #expect(furthest != nil && furthest! < 5)
        #expect(build.furthestWarm[BuildState.WarmPlace(worker: "w1", suite: 0)] == furthest)
    }

    @Test func anotherFrameworkGetsNoFlagAndNoPlace() throws {
        let fleet = start(adapter: .go)
        #expect(fleet.assigns(to: "w1").flatMap(\.tests).allSatisfy { !$0.fresh })
        #expect(try #require(fleet.build("b1")).furthestWarm.isEmpty)
    }
}
