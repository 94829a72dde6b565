@testable import Coordinator
import Model
import Testing
import Wire

/// Once the build cannot pass, only the first `BuildState.retriedTestsOnceLost` failing tests keep
/// their ordinary retries if they never passed (the state machine alone: a build
/// of 16 tests, one retry each, as a test expected to fail gets, `BuildState.ordinaryAttempts`,
/// but for the last, which passed before and gets two).
@Suite struct BroadBreakRetryTests {
    let limit = BuildState.retriedTestsOnceLost

    func build() -> BuildState {
        let spec = BuildSpec(id: "b1", suite: "sim:unit", maxAttempts: 3, confirmAttempts: 2, confirmLimit: 10)
        let planned = PlannedBuild(spec: spec, suites: [SuiteDefinition(name: "unit", adapter: .simulated, directory: "/")],
                                   tests: (0..<(limit + 6)).map {
                                       var test = TestCase(name: "t\($0)", suite: 0)
                                       // All but the last never passed.
                                       test.neverPassed = $0 < limit + 5
                                       return test
                                   }, grantCost: 1)
        return BuildState(planned: planned, now: 0)
    }

    func fail(_ build: BuildState, _ index: Int, attempt: Int = 1) -> Bool {
        build.apply(TestResult(test: "t\(index)", attempt: attempt, outcome: .failed, duration: 0.01, worker: "w1", arch: .x86_64),
                    index: index)
    }

    /// A pytest suite's first build of 16 tests (no record: all never passed).
    func firstBuild() -> BuildState {
        let spec = BuildSpec(id: "b0", suite: "t.toml", maxAttempts: 3, confirmAttempts: 2, confirmLimit: 10)
        var planned = PlannedBuild(spec: spec, suites: [SuiteDefinition(name: "unit", adapter: .pytest, directory: "/")],
                                   tests: (0..<(limit + 6)).map {
                                       var test = TestCase(name: "t\($0)", suite: 0)
                                       test.neverPassed = true
                                       return test
                                   }, grantCost: 1)
        planned.firstBuild = true
        return BuildState(planned: planned, now: 0)
    }

    /// Test `index`'s first attempt, with `text` as its pytest report.
    func report(_ build: BuildState, _ index: Int, _ outcome: Outcome, _ text: String) -> Bool {
        let output = Array(text.utf8)
        return build.apply(TestResult(test: "t\(index)", attempt: 1, outcome: outcome, duration: 0.01, worker: "w1",
                                      arch: .x86_64, compressedOutput: OutputCodec.compress(output), outputSize: output.count),
                           index: index)
    }

    func queuedAttempts(of index: Int, in build: BuildState) -> [Int] {
        build.retries.filter { $0.index == index }.map(\.attempt).sorted()
    }

    @Test func whileTheBuildMayPassEveryFailingTestGetsItsRetries() {
        let build = build()
        for index in 0..<(limit + 2) { #expect(fail(build, index)) }
        for index in 0..<(limit + 2) { #expect(queuedAttempts(of: index, in: build) == [2]) }
        #expect(build.retriedTests == Array(0..<(limit + 2)))
        #expect(build.finalCount == 0)
    }

    @Test func onceItCannotPassTheTestsPastTheLimitGiveUpRetriesNoWorkerTook() {
        let build = build()
        for index in 0..<(limit + 2) { _ = fail(build, index) }
        // Test `limit` (the first past it) has a retry under way: a worker took attempt 2.
        build.retries.removeAll { $0.index == limit && $0.attempt == 2 }
        build.stopConfirming()
        // The first `limit` keep theirs; the one with its retry running waits for it.
        for index in 0..<limit { #expect(queuedAttempts(of: index, in: build) == [2]) }
        #expect(queuedAttempts(of: limit, in: build).isEmpty)
        #expect(!build.status[limit].final)
        // The last one's were all still queued: dropped, and it failed after its one attempt.
        #expect(queuedAttempts(of: limit + 1, in: build).isEmpty)
        #expect(build.status[limit + 1].final && build.status[limit + 1].failed)
        #expect(build.failedCount == 1)

        // A test failing from now on gets no retries and is final at once.
        #expect(!fail(build, limit + 2))
        #expect(queuedAttempts(of: limit + 2, in: build).isEmpty)
        #expect(build.status[limit + 2].final && build.status[limit + 2].failed)
        // A test's own retry still counts: test 0's failing retry ends it as failed.
        build.retries.removeAll { $0.index == 0 }
        #expect(!fail(build, 0, attempt: 2))
        #expect(build.status[0].final && build.status[0].failed)
        // One that passed before still gets its retries: its record may be a flaky
        // test's, which the gate excuses it by later.
        #expect(fail(build, limit + 5))
        #expect(queuedAttempts(of: limit + 5, in: build) == [2, 3])
    }

    @Test func retriesPastTheLimitWaitUntilTheFirstFailuresEndAndGoOutIfTheBuildMayPass() {
        let build = build()
        for index in 0..<(limit + 2) { _ = fail(build, index) }
        #expect(build.holdsRetriesPastLimit)
        let taken = build.takeRetries(for: "w2", arch: .x86_64, onlyWorker: false, limit: 100)
        #expect(taken.map(\.index) == Array(0..<limit))
        #expect(taken.allSatisfy { $0.attempt == 2 })
        // The first ten pass their retries (a burst of flaky failures): the rest go out.
        for index in 0..<limit {
            _ = build.apply(TestResult(test: "t\(index)", attempt: 2, outcome: .passed, duration: 0.01, worker: "w2", arch: .x86_64),
                            index: index)
        }
        #expect(!build.holdsRetriesPastLimit)
        let rest = build.takeRetries(for: "w2", arch: .x86_64, onlyWorker: false, limit: 100)
        #expect(rest.map(\.index) == [limit, limit + 1])
    }

    /// A suite's first build (no test has a record): past the limit, only failures of a cause
    /// another failure shares give up their retries.
    @Test func inAFirstBuildAFailureOfItsOwnCauseKeepsItsRetries() {
        let build = firstBuild()
        func fail(_ index: Int, _ text: String) -> Bool { report(build, index, .failed, text) }
        let broad = "E   NameError: name 'reveal_type' is not defined\n\nt.py:3: NameError\n"
        let own = "E       assert 1 == 2\n\nt.py:9: AssertionError\n"
        for index in 0..<(limit + 2) { _ = fail(index, broad) }
        // One failing of its own cause, one whose output names none (another format).
        _ = fail(limit + 2, own)
        _ = fail(limit + 3, "--- FAIL: TestX (0.00s)\n")
        #expect(build.sharesCause(0) && !build.sharesCause(limit + 2) && !build.sharesCause(limit + 3))
        #expect(build.retriesHeldPastLimit() == Set(limit..<(limit + 4)))
        build.stopConfirming()
        // The break's tests past the limit end after one attempt; the others keep theirs (the
        // first attempts still out hold them: `holdsUndecidedRetries`).
        for index in limit..<(limit + 2) { #expect(build.status[index].final && queuedAttempts(of: index, in: build).isEmpty) }
        for index in (limit + 2)..<(limit + 4) { #expect(queuedAttempts(of: index, in: build) == [2, 3]) }
        #expect(build.holdsUndecidedRetries)
        // Only the one whose cause can be read waits: the other's can never turn out shared.
        #expect(build.retriesHeldPastLimit() == [limit + 2])
        // From now on, as each fails.
        #expect(!fail(limit + 4, broad))
        #expect(build.status[limit + 4].final)
        // A second failure of the same cause shares it: no retries.
        #expect(!fail(limit + 5, own))
        #expect(build.status[limit + 5].final)
    }

    /// Failures past the limit whose cause no other failure shares yet, in a lost first build,
    /// wait for every first attempt: decided on the whole count, not one by one.
    @Test func inALostFirstBuildUndecidedRetriesWaitForEveryFirstAttempt() {
        let build = firstBuild()
        let count = build.total
        func report(_ index: Int, _ outcome: Outcome, _ text: String = "") -> Bool { self.report(build, index, outcome, text) }
        for index in 0..<limit { _ = report(index, .failed, "E   NameError: x\n") }
        build.stopConfirming()
        // An assertion failure, alone of its cause when it fails: its retries wait. The next
        // one shares it and gets none.
        #expect(report(limit, .failed, "t.py:9: AssertionError\n"))
        #expect(!report(limit + 1, .failed, "t.py:12: AssertionError\n"))
        #expect(build.status[limit + 1].final)
        _ = report(limit + 2, .failed, "t.py:4: KeyError\n")
        #expect(build.holdsRetries && build.retriesHeldPastLimit() == [limit, limit + 2])
        #expect(build.takeRetries(for: "w2", arch: .x86_64, onlyWorker: false, limit: 100).allSatisfy { $0.index < limit })
        for index in (limit + 3)..<(count - 1) { _ = report(index, .passed) }
        #expect(build.holdsRetries)
        _ = report(count - 1, .passed)
        // Every first attempt reported: the core drops what turned out shared and grants the rest.
        #expect(!build.holdsRetries)
        build.dropRetriesPastLimit()
        #expect(build.status[limit].final && queuedAttempts(of: limit, in: build).isEmpty)
        #expect(queuedAttempts(of: limit + 2, in: build) == [2, 3])
        #expect(build.takeRetries(for: "w2", arch: .x86_64, onlyWorker: false, limit: 100).map(\.index).filter { $0 >= limit }
                    == [limit + 2])
    }

    @Test func underTheLimitABuildThatCannotPassRetriesEveryFailure() {
        let build = build()
        for index in 0..<(limit - 2) { _ = fail(build, index) }
        build.stopConfirming()
        #expect(build.finalCount == 0)
        // The next two fill the budget; the one after gets nothing.
        #expect(fail(build, limit - 2))
        #expect(fail(build, limit - 1))
        #expect(queuedAttempts(of: limit - 1, in: build) == [2])
        #expect(!fail(build, limit))
        #expect(build.status[limit].final && build.status[limit].failed)
    }
}
