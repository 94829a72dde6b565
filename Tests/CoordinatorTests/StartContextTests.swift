@testable import Coordinator
import Model
import Testing
import Wire

/// A warm session whose first test in a build is in the middle of its file runs the file's
/// nearest earlier tests first (`BuildState.startContext`): pyparsing's
/// `Test06_WithBoundedPackrat` asserts what `Test05_EnableBoundedPackratParsing`, just before
/// it in the file, switched on.
@Suite struct StartContextTests {
    /// Three files of two tests each, and a build of them with w1 connected (`FreshGrantTests`').
    static let tests = FreshGrantTests.tests

    func start(predicted: Double = 0.01, adapter: AdapterKind = .pytest) -> FleetHarness {
        FreshGrantTests().start(adapter: adapter, predicted: predicted)
    }

    @Test func theFilesNearestEarlierTestsRunFirstWithinTheBudget() throws {
        let build = try #require(start().build("b1"))
        // Starting at its file's second test: the first.
        #expect(build.startContext(before: 3, excluding: [3]) == [Self.tests[2]])
        // Starting at a file's first test (where a first build's homes start a session): none,
        // and none from the file before it.
        #expect(build.startContext(before: 2, excluding: [2]).isEmpty)
        // The grant holds it: none.
        #expect(build.startContext(before: 3, excluding: [2, 3]).isEmpty)
        // Past the budget, even for the nearest one.
        let slow = try #require(start(predicted: BuildState.freshContextSeconds + 0.05).build("b1"))
        #expect(slow.startContext(before: 3, excluding: [3]).isEmpty)
        // Not pytest: no context.
        let go = try #require(start(adapter: .go).build("b1"))
        #expect(go.startContext(before: 3, excluding: [3]).isEmpty)
    }

    /// w1's first lease holds every test; it reports three and the rest comes back to it, as
    /// the first grant of a session that starts there (`furthest`: nil) or of one that has run
    /// a test of the build (0).
    func regrantedTail(furthest: Int?) throws -> Assign {
        let fleet = start()
        let first = try #require(fleet.assigns(to: "w1").first)
        #expect(first.tests.count == Self.tests.count, "\(first.tests)")
        #expect(first.tests.allSatisfy { $0.context.isEmpty }, "\(first.tests)")
        fleet.report("w1", lease: first.lease, placed: (0..<3).map { (Self.tests[$0], 1, .passed, RunPlace(process: 7, position: $0)) })
        let build = try #require(fleet.build("b1"))
        build.furthestWarm[BuildState.WarmPlace(worker: "w1", suite: 0)] = furthest
        fleet.core.takeBack(first.lease, reason: "test", shun: false)
        fleet.drain()
        fleet.housekeeping()
        let again = try #require(fleet.assigns(to: "w1").last)
        #expect(again.tests.map(\.name) == Array(Self.tests[3...]), "\(again.tests)")
        #expect(again.tests.allSatisfy { !$0.fresh })
        return again
    }

    @Test func aSessionsFirstGrantInTheMiddleOfAFileCarriesItsPredecessors() throws {
        #expect(try regrantedTail(furthest: nil).tests.map(\.context) == [[Self.tests[2]], [], []])
        // A session that started elsewhere and borrows there: none (the tests before may be
        // running on the other worker at that moment).
        #expect(try regrantedTail(furthest: 0).tests.allSatisfy { $0.context.isEmpty })
    }
}
