@testable import Coordinator
import Model
import Testing
import Wire

/// A warm session that takes up its suite's order past tests another session ran gets, before
/// the first test it runs in order, its file's nearest skipped tests (`BuildState.gapContext`):
/// pyparsing's `Test06_WithBoundedPackrat` asserts what `Test05_EnableBoundedPackratParsing`,
/// just before it in the file, switched on.
@Suite struct GapContextTests {
    /// Three files of two tests each.
    static let tests = (0..<6).map { "tests/test_\($0 / 2).py::test_\($0)" }

    func start(predicted: Double = 0.01, adapter: AdapterKind = .pytest) -> FleetHarness {
        let fleet = FleetHarness()
        fleet.hello("w1")
        var cases = Self.tests.enumerated().map { TestCase(name: $1, suite: 0, predicted: predicted, index: $0) }
        for index in cases.indices { cases[index].groupWork = 1 }
        let planned = PlannedBuild(spec: BuildSpec(id: "b1", suite: "suite.toml"),
                                   suites: [SuiteDefinition(name: "py", adapter: adapter, directory: "/")], tests: cases, grantCost: 1)
        fleet.core.start(planned, stored: [:], watcher: nil, now: fleet.now)
        fleet.drain()
        return fleet
    }

    @Test func theFilesNearestSkippedTestsRunFirstWithinTheBudget() throws {
        let build = try #require(start().build("b1"))
        // A session that has run nothing, starting at its file's second test: the first.
        #expect(build.gapContext(before: 3, sessionReached: nil, excluding: [3]) == [Self.tests[2]])
        // Starting at a file's first test (where a first build's homes start a session): none,
        // and none from the file before it.
        #expect(build.gapContext(before: 2, sessionReached: nil, excluding: [2]).isEmpty)
        // The session ran the test just before it, or the grant holds it: none.
        #expect(build.gapContext(before: 3, sessionReached: 2, excluding: [3]).isEmpty)
        #expect(build.gapContext(before: 3, sessionReached: nil, excluding: [2, 3]).isEmpty)
        // Past the budget, even for the nearest one.
        let slow = try #require(start(predicted: BuildState.freshContextSeconds + 0.05).build("b1"))
        #expect(slow.gapContext(before: 3, sessionReached: nil, excluding: [3]).isEmpty)
        // Not pytest: no context.
        let go = try #require(start(adapter: .go).build("b1"))
        #expect(go.gapContext(before: 3, sessionReached: nil, excluding: [3]).isEmpty)
    }

    @Test func aGrantPastTestsAnotherSessionRanCarriesThem() throws {
        let fleet = start()
        let first = try #require(fleet.assigns(to: "w1").first)
        #expect(first.tests.count == Self.tests.count, "\(first.tests)")
        #expect(first.tests.allSatisfy { $0.context.isEmpty }, "\(first.tests)")
        fleet.report("w1", lease: first.lease, placed: (0..<3).map { (Self.tests[$0], 1, .passed, RunPlace(process: 7, position: $0)) })
        // Say another worker's session ran those three: this one's session is nowhere yet, and
        // the rest of the lease comes back to it.
        let build = try #require(fleet.build("b1"))
        build.furthestWarm[BuildState.WarmPlace(worker: "w1", suite: 0)] = nil
        fleet.core.takeBack(first.lease, reason: "test", shun: false)
        fleet.drain()
        fleet.housekeeping()
        let again = try #require(fleet.assigns(to: "w1").last)
        #expect(again.tests.map(\.name) == Array(Self.tests[3...]), "\(again.tests)")
        #expect(again.tests.allSatisfy { !$0.fresh })
        #expect(again.tests.map(\.context) == [[Self.tests[2]], [], []], "\(again.tests)")
    }
}
