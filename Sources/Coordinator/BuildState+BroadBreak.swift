import Model
import Wire

/// A broad break's retries: once the build cannot pass (`cannotPass`), a failing test that never
/// passed (`TestCase.neverPassed`: the suite's first build, or it failed the previous build and
/// the store holds nothing but failures of it) gets no retries unless it is among the build's
/// first `retriedTestsOnceLost` failing tests; the queued retries of such tests that no worker
/// has taken yet are dropped (they wait until the build's fate is known: `holdsRetriesPastLimit`).
///
/// Why: a retry can only turn a failure into a pass, and once a test failed every attempt and
/// the gate cannot excuse it the verdict is fixed. What retries still buy then is the record,
/// and for a test that never passed that is worth little, times hundreds when hundreds fail.
/// typer 0.12.5 under a newer click (a deprecation warning its settings make an error: 252
/// failing tests, most of them starting a Python subprocess) took 27–29 s a build with default
/// flags against 9–10 s with `--retries 0`: every failure's two retries, in fresh processes, at
/// the build's end, build after build. Gradle's test-retry plugin stops retrying past
/// `maxFailures` for the same reason.
///
/// Why only tests that never passed: the record is what the gate excuses flaky tests by (a test
/// that both failed and passed before). Dropping every retry past the limit lost the passes of
/// flaky tests caught in lost builds (outages, regressions): flaky-eval's false blocks went from
/// 1 to 17 of 233 clean builds (seed 1); dropping them for tests that merely failed the previous
/// build too, from 2 to 7 (seed 2). A test that never passed has no flaky record to lose by it.
/// The gate is unchanged: nothing is dropped before the build cannot pass, so a burst of flaky
/// failures still gets every retry. Retries already granted run and are recorded. flaky-eval's
/// generator draws the same rule (`SyntheticFlakyHistory.Parameters.retriedTestsOnceLost`).
///
/// In a suite's first build no test has a record: each counts as never passed for want of
/// evidence. There a failing test past the limit gives up its retries only when its failure
/// shares its cause (`FailureCause`: the exception type) with another failing test of the
/// build: a break's tests fail alike, while a timing test failing under load beside them fails
/// unlike any other and keeps its retries. One of about thirty pydash 8.0.4 builds (380
/// failures, one cause) counted 353 failing tests where serial pytest counts 351, most likely
/// so (pydash has real-time debounce tests; `pytest -n 2` itself counted 352 once). A failure
/// whose cause cannot be read (another framework's output) keeps its retries too. Why not ten
/// alike, as for the limit: pytest-asyncio 0.24.0's first build (72 `ValueError`s, five
/// `AssertionError`s and a `Failed`, all of one break) retried six tests at its end, 1.22 ×
/// `pytest -n 2` against 0.93; with a pair, one (about 4 % on its first build; typer unchanged).
extension BuildState {
    /// Failing tests that keep their ordinary retries once the build cannot pass: as many as
    /// get confirmation runs by default (`BuildSpec.confirmLimit`), so a build with up to that
    /// many genuinely failing tests records each of them exactly as before.
    static let retriedTestsOnceLost = 10

    /// The build cannot pass, its budget of retried tests is spent, and test `index` never
    /// passed: failing now, it gets no retries.
    func retriesSpent(by index: Int) -> Bool {
        cannotPass && retriedTests.count >= Self.retriedTestsOnceLost && planned.tests[index].neverPassed
            && (!planned.firstBuild || sharesCause(index))
    }

    /// In a first build, a cause this many failing tests share is a break's.
    static let sharedCauseFailures = 2

    /// Whether test `index`'s first failure shares its cause with another failing test of
    /// this build, so far (`sharedCauseFailures`).
    func sharesCause(_ index: Int) -> Bool {
        guard let cause = failureCause[index] else { return false }
        return failuresByCause[cause, default: 0] >= Self.sharedCauseFailures
    }

    /// Records the cause of a first build's failed first attempt. A pytest suite's only: the
    /// cause is read from pytest's report format.
    func noteCause(of result: TestResult, index: Int) {
        guard planned.suites[planned.tests[index].suite].adapter == .pytest, failureCause[index] == nil,
              let output = try? OutputCodec.decompress(result.compressedOutput, originalSize: result.outputSize),
              let cause = FailureCause.of(output: output)
        else { return }
        failureCause[index] = cause
        failuresByCause[cause, default: 0] += 1
    }

    /// Whether the retries of the never-passed tests past the first `retriedTestsOnceLost`
    /// retried ones wait (`retriesHeldPastLimit`):
    /// while one of those first tests is not final, or final with the store's answer about it
    /// still out, the build may yet turn out lost, and then their retries are dropped unrun
    /// (`dropRetriesPastLimit`). Why wait: a failure's retries go out at once, on the retry
    /// lanes too, one grant holding a whole attempt number's tests, so by the time typer's first
    /// broken test was confirmed (three attempts, five confirmation runs, the store's answer)
    /// 94 tests had retries granted. If every first test ends and the build may still pass (a
    /// burst of flaky failures), they go out then. Earlier tests never wait for later ones.
    var holdsRetriesPastLimit: Bool {
        guard !cannotPass, retriedTests.count > Self.retriedTestsOnceLost else { return false }
        return retriedTests[..<Self.retriedTestsOnceLost].contains { !status[$0].final || awaitingBlockingAnswer.contains($0) }
    }

    /// Whether, in a first build that cannot pass, the retries of failures past the first
    /// `retriedTestsOnceLost` whose cause no other failure shares yet wait for every first
    /// attempt to report: a cause's count only grows, and the decision is made on all of it
    /// (`dropRetriesPastLimit`, then the rest go out). Why: each cause's first failure arrives
    /// alone, and failures arrive in test order; typer's `AssertionError`s (subprocess tests of a
    /// third of a second each) all came after its build was lost, and deciding one by one (with
    /// ten alike as the bar then) retried nine of them: 1.35 × `pytest -n 2` against 1.07.
    var holdsUndecidedRetries: Bool {
        cannotPass && planned.firstBuild && firstAttemptsSettled < total && retriedTests.count > Self.retriedTestsOnceLost
    }

    /// Either hold on retries past the limit.
    var holdsRetries: Bool { holdsRetriesPastLimit || holdsUndecidedRetries }

    /// The never-passed tests past the first `retriedTestsOnceLost` retried ones whose ordinary
    /// retries wait (`holdsRetriesPastLimit`, `holdsUndecidedRetries`); others' go out as usual.
    func retriesHeldPastLimit() -> Set<Int> {
        if holdsRetriesPastLimit {
            return Set(retriedTests[Self.retriedTestsOnceLost...].filter { planned.tests[$0].neverPassed })
        }
        guard holdsUndecidedRetries else { return [] }
        // A failure whose cause cannot be read never turns out shared: nothing to wait for.
        return Set(retriedTests[Self.retriedTestsOnceLost...].filter {
            planned.tests[$0].neverPassed && !status[$0].final && failureCause[$0] != nil
        })
    }

    /// Drops the queued ordinary retries of the tests past the first `retriedTestsOnceLost`
    /// retried ones whose retries are spent (`retriesSpent(by:)`) when none of their retries was
    /// granted yet (a test with one running waits for it: it is final only once every attempt it
    /// was given reported), and ends those tests as failed after their first attempt. The held
    /// retries it keeps (a first build's failures of a cause of their own) go out.
    func dropRetriesPastLimit() {
        guard retriedTests.count > Self.retriedTestsOnceLost else { return }
        let lastOrdinary = planned.spec.maxAttempts
        var queued: [Int: Int] = [:]
        for retry in retries where retry.attempt <= lastOrdinary { queued[retry.index, default: 0] += 1 }
        var dropped: Set<Int> = []
        for index in retriedTests[Self.retriedTestsOnceLost...]
            where retriesSpent(by: index) && !status[index].final && !status[index].confirming
        {
            // Every retry it was given (attempts 2...attempt) still waits in the queue.
            guard status[index].attempt > 1, queued[index] == status[index].attempt - 1 else { continue }
            dropped.insert(index)
            markFinal(index, failed: true, attempt: 1)
        }
        guard !dropped.isEmpty else { return }
        retries.removeAll { dropped.contains($0.index) }
    }
}
