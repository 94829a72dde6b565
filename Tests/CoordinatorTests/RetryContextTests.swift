@testable import Coordinator
import Model
import Testing
import Wire

/// The first retry of a pytest test whose first attempt ran without its file's earlier tests
/// before it in its process carries them as its context (`BuildState.retryContext`); one that
/// ran after them, a later retry, and a test of another framework get none.
@Suite struct RetryContextTests {
    static let a = "tests/test_f.py::test_a", b = "tests/test_f.py::test_b", c = "tests/test_f.py::test_c"
    static let other = "tests/test_g.py::test_x"

    /// One pytest build of `tests` (collection order) on one worker, its first lease returned;
    /// `groupWork`: the tests' queue keys (the planner's: a test moved ahead has its own).
    func start(_ fleet: FleetHarness, _ tests: [String], predicted: [Double]? = nil, groupWork: [Double]? = nil,
               adapter: AdapterKind = .pytest, confirmAttempts: Int = 0) throws -> Assign {
        fleet.hello("w1")
        let spec = BuildSpec(id: "b1", suite: "suite.toml", maxAttempts: 3, confirmAttempts: confirmAttempts)
        var cases = tests.enumerated().map { TestCase(name: $1, suite: 0, predicted: predicted?[$0] ?? 0.01, index: $0) }
        for (index, key) in (groupWork ?? []).enumerated() { cases[index].groupWork = key }
        let planned = PlannedBuild(
            spec: spec, suites: [SuiteDefinition(name: "py", adapter: adapter, directory: "/")], tests: cases, grantCost: 1)
        fleet.core.start(planned, stored: [:], watcher: nil, now: fleet.now)
        fleet.drain()
        return try #require(fleet.assigns(to: "w1").first)
    }

    func retries(_ fleet: FleetHarness) -> [GrantedTest] {
        fleet.assigns(to: "w1").dropFirst().flatMap(\.tests)
    }

    @Test func aTestThatFailedWithoutItsFilesEarlierTestsIsRetriedAfterThem() throws {
        let fleet = FleetHarness()
        let first = try start(fleet, [Self.a, Self.b, Self.c, Self.other])
        // test_a and test_b ran in one process, test_c at the start of another (a hand-back, a
        // second worker's share): test_c failed there.
        let p1 = RunPlace(process: 11, position: 0), p2 = RunPlace(process: 22, position: 0)
        fleet.report("w1", lease: first.lease, placed: [
            (Self.a, 1, .passed, p1), (Self.b, 1, .passed, RunPlace(process: 11, position: 1)),
            (Self.c, 1, .failed, p2), (Self.other, 1, .passed, RunPlace(process: 22, position: 1)),
        ])
        // Both retries go out at once: the first after its context, the second alone, as every
        // retry did before.
        #expect(retries(fleet) == [GrantedTest(name: Self.c, attempt: 2, context: [Self.a, Self.b]),
                                   GrantedTest(name: Self.c, attempt: 3)])
    }

    /// Once the build cannot pass (another test failed every attempt and blocks it), the same
    /// failure is retried alone: the verdict is a failure whatever the retry does.
    @Test func aBuildThatCannotPassRetriesWithoutContext() throws {
        let fleet = FleetHarness()
        let first = try start(fleet, [Self.a, Self.b, Self.c, Self.other])
        let build = try #require(fleet.build("b1"))
        build.stopConfirming()
        fleet.report("w1", lease: first.lease, placed: [
            (Self.a, 1, .passed, RunPlace(process: 11, position: 0)), (Self.b, 1, .passed, RunPlace(process: 11, position: 1)),
            (Self.c, 1, .failed, RunPlace(process: 22, position: 0)), (Self.other, 1, .passed, RunPlace(process: 22, position: 1)),
        ])
        #expect(retries(fleet) == [GrantedTest(name: Self.c, attempt: 2), GrantedTest(name: Self.c, attempt: 3)])
        #expect(build.retryContexts.isEmpty)
    }

    @Test func aTestThatFailedAfterItsFilesEarlierTestsIsRetriedAlone() throws {
        let fleet = FleetHarness()
        let first = try start(fleet, [Self.a, Self.b, Self.c])
        fleet.report("w1", lease: first.lease, placed: [
            (Self.a, 1, .passed, RunPlace(process: 11, position: 0)),
            (Self.b, 1, .passed, RunPlace(process: 11, position: 1)),
            (Self.c, 1, .failed, RunPlace(process: 11, position: 2)),
        ])
        #expect(retries(fleet) == [GrantedTest(name: Self.c, attempt: 2), GrantedTest(name: Self.c, attempt: 3)])
    }

    @Test func anEarlierGrantInTheSameProcessIsNotContext() throws {
        // A warm session tears its module fixtures down after each grant: test_a ran before test_b in
        // its process, but in another lease, so a module fixture it changed was made again.
        let fleet = FleetHarness()
        let first = try start(fleet, [Self.a, Self.b])
        fleet.report("w1", lease: first.lease + 1000, placed: [(Self.a, 1, .passed, RunPlace(process: 11, position: 0))])
        fleet.report("w1", lease: first.lease, placed: [(Self.b, 1, .failed, RunPlace(process: 11, position: 1))])
        #expect(retries(fleet).first == GrantedTest(name: Self.b, attempt: 2, context: [Self.a]))
    }

    @Test func aTestMovedAheadOfItsFileGetsNoContext() throws {
        // Failed-first (or long): its queue key is not its file's, so it ran first by design.
        let fleet = FleetHarness()
        let first = try start(fleet, [Self.a, Self.b], groupWork: [1, 5])
        fleet.report("w1", lease: first.lease, placed: [(Self.b, 1, .failed, RunPlace(process: 11, position: 0))])
        #expect(retries(fleet).first == GrantedTest(name: Self.b, attempt: 2))
    }

    @Test func aFileMateMovedAheadDoesNotTakeTheContextAway() throws {
        // test_a went first (failed-first); test_b and test_c wait in their file's order.
        let fleet = FleetHarness()
        let first = try start(fleet, [Self.a, Self.b, Self.c], groupWork: [5, 1, 1])
        fleet.report("w1", lease: first.lease, placed: [
            (Self.a, 1, .passed, RunPlace(process: 11, position: 0)),
            (Self.b, 1, .passed, RunPlace(process: 22, position: 0)),
            (Self.c, 1, .failed, RunPlace(process: 22, position: 1)),
        ])
        #expect(retries(fleet).first == GrantedTest(name: Self.c, attempt: 2, context: [Self.a, Self.b]))
    }

    @Test func theFirstTestOfAFileIsRetriedAfterTheEarlierFiles() throws {
        // semver's docs doctests need names an autouse fixture of tests/conftest.py put into the
        // session's doctest_namespace: whatever process a plain run gets to them in has run
        // tests/ first.
        let docs = "docs/usage.rst::usage.rst"
        let fleet = FleetHarness()
        let first = try start(fleet, [Self.a, Self.b, docs])
        fleet.report("w1", lease: first.lease, placed: [
            (Self.a, 1, .passed, RunPlace(process: 11, position: 0)),
            (Self.b, 1, .passed, RunPlace(process: 11, position: 1)),
            (docs, 1, .failed, RunPlace(process: 22, position: 0)),
        ])
        #expect(retries(fleet).first == GrantedTest(name: docs, attempt: 2, context: [Self.a, Self.b]))

        // Within the budget, nearest first; the suite's own first test has nothing before it.
        let budget = FleetHarness()
        let grant = try start(budget, [Self.a, Self.b, docs], predicted: [BuildState.retryContextSeconds, 0.5, 0.1])
        budget.report("w1", lease: grant.lease, placed: [
            (Self.b, 1, .passed, RunPlace(process: 33, position: 0)),
            (docs, 1, .failed, RunPlace(process: 22, position: 0)),
        ])
        #expect(retries(budget).first == GrantedTest(name: docs, attempt: 2, context: [Self.b]))
        let head = FleetHarness()
        let alone = try start(head, [Self.a, Self.b])
        head.report("w1", lease: alone.lease, placed: [(Self.a, 1, .failed, RunPlace(process: 22, position: 0))])
        #expect(retries(head).first == GrantedTest(name: Self.a, attempt: 2))
    }

    @Test func aFailedFirstTestAndOtherFrameworksGetNoContext() throws {
        // The previous build's failure, sent first (its own queue key, above the suite's):
        // its retries stay cheap, first in its file or not.
        let fleet = FleetHarness()
        let first = try start(fleet, [Self.other, Self.a], groupWork: [1, 1_000])
        fleet.report("w1", lease: first.lease, placed: [
            (Self.a, 1, .failed, RunPlace(process: 22, position: 0)),
            (Self.other, 1, .passed, RunPlace(process: 11, position: 0)),
        ])
        #expect(retries(fleet) == [GrantedTest(name: Self.a, attempt: 2), GrantedTest(name: Self.a, attempt: 3)])

        let shell = FleetHarness()
        let grant = try start(shell, [Self.a, Self.b], adapter: .shell)
        shell.report("w1", lease: grant.lease, placed: [
            (Self.a, 1, .passed, RunPlace(process: 11, position: 0)),
            (Self.b, 1, .failed, RunPlace(process: 22, position: 0)),
        ])
        #expect(retries(shell) == [GrantedTest(name: Self.b, attempt: 2), GrantedTest(name: Self.b, attempt: 3)])
    }

    @Test func aLongContextKeepsTheNearestEarlierTests() throws {
        let fleet = FleetHarness()
        // test_a is predicted past the context's budget: only test_b, just before test_c, goes.
        let first = try start(fleet, [Self.a, Self.b, Self.c], predicted: [BuildState.retryContextSeconds, 0.5, 0.1])
        fleet.report("w1", lease: first.lease, placed: [
            (Self.b, 1, .passed, RunPlace(process: 33, position: 0)),
            (Self.c, 1, .failed, RunPlace(process: 22, position: 0)),
        ])
        #expect(retries(fleet).first == GrantedTest(name: Self.c, attempt: 2, context: [Self.b]))
    }

    @Test func theNearestTestsWithinTheBudgetHavingRunBeforeItMeansNoContext() throws {
        // test_b ran just before test_c in its process and grant; test_a, elsewhere, took the
        // budget: a context retry could only repeat the first attempt.
        let fleet = FleetHarness()
        let first = try start(fleet, [Self.a, Self.b, Self.c])
        fleet.report("w1", lease: first.lease, placed: [(Self.a, 1, .passed, RunPlace(process: 11, position: 0))],
                     duration: BuildState.retryContextSeconds)
        fleet.report("w1", lease: first.lease, placed: [
            (Self.b, 1, .passed, RunPlace(process: 22, position: 0)),
            (Self.c, 1, .failed, RunPlace(process: 22, position: 1)),
        ])
        #expect(retries(fleet) == [GrantedTest(name: Self.c, attempt: 2), GrantedTest(name: Self.c, attempt: 3)])
    }

    @Test func theBudgetWeighsWhatTheFirstAttemptsTookOverAGuess() throws {
        // A first build guesses milliseconds; test_a and test_b took the budget each: only
        // test_b, the nearest, goes (dateutil's tzdata file made a 0.6 s test's retry 10 s).
        let fleet = FleetHarness()
        let first = try start(fleet, [Self.a, Self.b, Self.c])
        fleet.report("w1", lease: first.lease, placed: [
            (Self.a, 1, .passed, RunPlace(process: 11, position: 0)),
            (Self.b, 1, .passed, RunPlace(process: 11, position: 1)),
        ], duration: BuildState.retryContextSeconds)
        fleet.report("w1", lease: first.lease, placed: [(Self.c, 1, .failed, RunPlace(process: 22, position: 0))])
        #expect(retries(fleet).first == GrantedTest(name: Self.c, attempt: 2, context: [Self.b]))
    }

    /// A context is worth at most what the failing test's first attempt took (at least the
    /// floor): a 0.8 s test at a build's end paid 3 s of predecessors for each first retry.
    @Test func theBudgetIsWhatTheTestItselfTookAboveAFloor() throws {
        func context(failedAfter seconds: Double) throws -> [String] {
            let fleet = FleetHarness()
            let first = try start(fleet, [Self.a, Self.b, Self.c])
            let each = BuildState.retryContextFloorSeconds * 0.8
            fleet.report("w1", lease: first.lease, placed: [
                (Self.a, 1, .passed, RunPlace(process: 11, position: 0)),
                (Self.b, 1, .passed, RunPlace(process: 11, position: 1)),
            ], duration: each)
            fleet.report("w1", lease: first.lease, placed: [(Self.c, 1, .failed, RunPlace(process: 22, position: 0))],
                         duration: seconds)
            return try #require(retries(fleet).first).context
        }
        #expect(try context(failedAfter: 0.01) == [Self.b], "a millisecond test: the floor holds test_b only")
        #expect(try context(failedAfter: 2 * BuildState.retryContextFloorSeconds) == [Self.a, Self.b])
    }
}
