import Model
import Planning

/// A build being dispatched: what waits, what runs, what is final.
final class BuildState {
    struct TestStatus {
        /// The highest attempt number handed out so far (every attempt up to it is queued,
        /// running or reported): the next ordinary attempt uses it; confirmation runs go out
        /// together, so while confirming it is the last of them.
        var attempt = 1
        var final = false
        var failed = false
        /// The worker that ran the last failed attempt (a retry goes elsewhere when it can).
        var lastWorker: String?
        var passedOnRetry = false
        /// Every ordinary attempt failed and the test got confirmation runs.
        var confirming = false
        /// Attempts with a stored result (bit n: attempt n): a late copy of one changes nothing.
        var reported: UInt64 = 0
        /// Confirmation runs that failed; all of them failing makes the test fail.
        var confirmationFailures = 0
        /// Where its first attempt ran (process and position), when the worker said, and in
        /// which lease (a warm pytest session keeps module fixtures only within one grant).
        var firstPlace: RunPlace?
        var firstLease: UInt64 = 0
        /// How long its first attempt took (seconds), once reported: what running it again as a
        /// retry's context costs, where a first build's predictions are only guesses.
        var firstDuration: Double?
        /// The attempt of its early retry (`queueEarlyRetries`) that passed before its first
        /// attempt reported (0: none): it is final once that one reports.
        var passedAhead = 0
    }

    /// A failed test waiting for one of its next attempts.
    struct Retry {
        var index: Int
        var attempt: Int
        var avoidWorker: String?
    }

    let planned: PlannedBuild
    var pending = PendingQueue()
    var retries: [Retry] = []
    /// The context of a first retry (`retryContext`), by test, for the tests that have one.
    var retryContexts: [Int: [String]] = [:]
    /// Long pytest tests sent ahead of their suite's order, granted `alone`
    /// (`testsSentAheadForLength`).
    lazy var outOfOrder: Set<Int> = testsSentAheadForLength()
    /// Pytest tests queued ahead of their suite's order on purpose (`testsSentAhead`).
    lazy var sentAhead: Set<Int> = testsSentAhead()
    var status: [TestStatus]
    var finalCount = 0
    var failedCount = 0
    /// Tests that failed every attempt, confirmation runs included, that the core has not yet
    /// asked the shell about (`CoordinatorEffect.askWhetherBlocking`).
    var failedConfirmations: [Int] = []
    /// Tests that failed every confirmation run whose question to the store is not answered yet:
    /// they still hold later tests' confirmation runs back (`confirmationsHeldBack`).
    var awaitingBlockingAnswer: Set<Int> = []
    /// The tests that got confirmation runs (at most `spec.confirmLimit`).
    var confirmingTests: [Int] = []
    /// The tests that got ordinary retries, in the order their first attempts failed (once the
    /// build cannot pass, only the first `retriedTestsOnceLost` keep theirs).
    var retriedTests: [Int] = []
    /// Tests whose ordinary retries went out with their first attempt (`queueEarlyRetries`).
    var earlyRetried: Set<Int> = []
    /// In a suite's first build: each failed first attempt's cause (`FailureCause`), and how many
    /// tests failed with each (`sharesCause`).
    var failureCause: [Int: String] = [:]
    var failuresByCause: [String: Int] = [:]
    /// Tests whose first attempt reported, or that ended without one.
    var firstAttemptsSettled = 0
    /// A test failed every confirmation run and the gate cannot excuse it: the build fails
    /// whatever else happens, so no test of it gets confirmation runs any more.
    var cannotPass = false
    var watchers: Set<[UInt8]> = []
    var finished = false
    /// Workers that could not prepare this build's workspace (fetch or setup failed), with what
    /// they said: they get no more of its tests.
    var faultedWorkers: [String: String] = [:]
    /// Worker id and suite → the furthest (in plan order, which is a suite's collection order)
    /// first attempt granted to the worker in order (not sent ahead on purpose): its sessions
    /// have run past there. A later grant's pytest tests before it are `GrantedTest.fresh`, and
    /// a reclaim does not take a few of them (`backwardAndSmall`).
    var furthestWarm: [WarmPlace: Int] = [:]
    /// Per file, the first attempts' measured and predicted seconds since one of them outran its
    /// prediction (`noteFileScale`).
    var fileTotals: [String: (measured: Double, predicted: Double)] = [:]
    /// A first build's longest first attempt per sibling key (`BuildState+Siblings`).
    var siblingSeconds: [String: Double] = [:]
    /// A first build's first attempts' measured and predicted seconds so far (`pace`).
    var firstAttemptTotals: (measured: Double, predicted: Double) = (0, 0)
    struct WarmPlace: Hashable {
        var worker: String
        var suite: Int
    }
    /// Set when every connected worker failed to prepare the workspace: the build ends with an
    /// infrastructure error carrying this, not a verdict.
    var infrastructureFault: String?
    var lastProgressAt: UInt64 = 0
    /// Coordinator clock when the core started dispatching it.
    var startedAt: UInt64
    /// Served before builds of lower priority (`BuildSpec.effectivePriority`).
    let priority: Int
    /// Predicted seconds of work granted so far (plus each grant's cost): among builds of equal
    /// priority the least served is served next, so they share the workers evenly.
    var grantedWork = 0.0
    /// The part of `grantedWork` in leases not yet ended.
    var inFlightWork = 0.0
    /// Seconds of worker time its stored results took (for progress and fairness checks).
    var workMilliseconds = 0.0
    /// Tests pinned to an arch that have no final result yet, per arch.
    var unfinishedPinned: [Arch: Int] = [:]
    /// Since when (coordinator clock) some of its work has had no connected worker to take it.
    var unservableSince: UInt64?
    private var indexByName: [String: Int]?
    /// The files of each pytest suite's tests, once computed, and per suite the workers that were
    /// sent them (`testFilesToSend`).
    var testFiles: [Int: [String]] = [:]
    var testFilesSent: [Int: Set<[UInt8]>] = [:]

    var id: String { planned.spec.id }
    var total: Int { planned.tests.count }
    var isComplete: Bool { finalCount == total }

    init(planned: PlannedBuild, now: UInt64) {
        self.planned = planned
        self.status = Array(repeating: TestStatus(), count: planned.tests.count)
        self.startedAt = now
        self.priority = planned.spec.effectivePriority
        for test in planned.tests { if let arch = test.arch { unfinishedPinned[arch, default: 0] += 1 } }
    }

    /// A new build with everything that costs time in proportion to its tests done — statuses,
    /// the queue sorted longest first, the test-name index results are looked up in: for a
    /// submitted build this runs off the coordinator loop (a million tests take a fifth of a
    /// second), so the loop only links the finished object in (`CoordinatorCore.start`).
    static func prepared(_ planned: PlannedBuild, stored: [String: (attempt: Int, outcome: Outcome, worker: String)]) -> BuildState {
        let build = BuildState(planned: planned, now: 0)
        build.queueUnfinished(stored: stored)
        build.indexNames()
        return build
    }

    /// Queues every test that has no final result yet, given what the store already holds
    /// (empty for a new build; a restarted coordinator passes each test's highest stored attempt).
    func queueUnfinished(stored: [String: (attempt: Int, outcome: Outcome, worker: String)]) {
        var fresh: [TestCase] = []
        for test in planned.tests {
            guard let last = stored[test.name] else {
                fresh.append(test)
                continue
            }
            resume(test.index, last: last)
        }
        pending.add(fresh)
        pending.processSetupSeconds = planned.processSetupSeconds
    }

    func index(of name: String) -> Int? {
        if indexByName == nil { indexNames() }
        return indexByName![name]
    }

    /// Builds the test-name index (once).
    func indexNames() {
        guard indexByName == nil else { return }
        var map = [String: Int](minimumCapacity: planned.tests.count)
        for test in planned.tests { map[test.name] = test.index }
        indexByName = map
    }

    func markFinal(_ index: Int, failed: Bool, attempt: Int) {
        guard !status[index].final else { return }
        if !isReported(index, 1) { firstAttemptsSettled += 1 }
        status[index].final = true
        status[index].failed = failed
        status[index].passedOnRetry = !failed && attempt > 1
        finalCount += 1
        if failed { failedCount += 1 }
        if let arch = planned.tests[index].arch { unfinishedPinned[arch, default: 1] -= 1 }
    }

    /// Puts back tests whose lease was lost, unless they have moved on meanwhile.
    func requeue(_ remaining: [Int: Int]) {
        var front: [TestCase] = []
        // In the plan's order (a pytest suite's collection order), not the dictionary's: a
        // hand-back's tests went out again shuffled, so the grant that took them set each
        // module up again and again, and ran a later module's tests before an earlier one's.
        for (index, attempt) in remaining.sorted(by: { $0.key < $1.key })
            where !status[index].final && attempt <= status[index].attempt && !isReported(index, attempt)
        {
            if attempt > 1 {
                retries.append(Retry(index: index, attempt: attempt, avoidWorker: nil))
            } else {
                front.append(planned.tests[index])
            }
        }
        pending.requeueFirst(front)
    }

    func isReported(_ index: Int, _ attempt: Int) -> Bool {
        attempt < 64 && status[index].reported & (1 << UInt64(attempt)) != 0
    }
}

extension BuildState {
    /// Keeps `pending.fileScales` (see there) for a build whose tests have homes: a file's
    /// first attempts from the one that outran its prediction on (by `outrunSlackSeconds`).
    /// Files with none cost one comparison per result.
    func noteFileScale(_ index: Int, took seconds: Double) {
        guard !planned.homes.isEmpty else { return }
        let test = planned.tests[index]
        let outran = seconds - test.predicted >= CoordinatorCore.outrunSlackSeconds
        guard outran || !fileTotals.isEmpty else { return }
        let file = String(TestFile.of(test: test.name))
        guard outran || fileTotals[file] != nil else { return }
        var totals = fileTotals[file] ?? (0, 0)
        totals.measured += seconds
        totals.predicted += test.predicted
        fileTotals[file] = totals
        pending.fileScales[file] = Self.scale(measured: totals.measured, predicted: totals.predicted)
    }

    /// How many times its predictions a file's first attempts took: at least 1.
    private static func scale(measured: Double, predicted: Double) -> Double {
        max(1, measured / max(predicted, 0.001))
    }

    /// The scale of test `index`'s file (`pending.fileScales`) while that test, not yet
    /// reported, has run `seconds`: counted as a first attempt that took that long once it has
    /// outrun its prediction (by `outrunSlackSeconds`), as its result will be.
    func fileScale(of index: Int, running seconds: Double) -> Double {
        let test = planned.tests[index]
        let file = String(TestFile.of(test: test.name))
        let scale = pending.fileScales[file] ?? 1
        guard seconds - test.predicted >= CoordinatorCore.outrunSlackSeconds else { return scale }
        let totals = fileTotals[file] ?? (0, 0)
        return max(scale, Self.scale(measured: totals.measured + seconds, predicted: totals.predicted + test.predicted))
    }

    /// Test `index`'s prediction times its file's scale (`pending.fileScales`), or as predicted.
    func filePrediction(of index: Int) -> Double {
        let test = planned.tests[index]
        guard !pending.fileScales.isEmpty else { return test.predicted }
        return test.predicted * (pending.fileScales[String(TestFile.of(test: test.name))] ?? 1)
    }
}
