import Model

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
extension BuildState {
    /// Failing tests that keep their ordinary retries once the build cannot pass: as many as
    /// get confirmation runs by default (`BuildSpec.confirmLimit`), so a build with up to that
    /// many genuinely failing tests records each of them exactly as before.
    static let retriedTestsOnceLost = 10

    /// The build cannot pass, its budget of retried tests is spent, and test `index` never
    /// passed: failing now, it gets no retries.
    func retriesSpent(by index: Int) -> Bool {
        cannotPass && retriedTests.count >= Self.retriedTestsOnceLost && planned.tests[index].neverPassed
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

    /// The never-passed tests past the first `retriedTestsOnceLost` retried ones, while their
    /// ordinary retries wait (`holdsRetriesPastLimit`); others' go out as usual.
    func retriesHeldPastLimit() -> Set<Int> {
        holdsRetriesPastLimit ? Set(retriedTests[Self.retriedTestsOnceLost...].filter { planned.tests[$0].neverPassed }) : []
    }

    /// Drops the queued ordinary retries of the never-passed tests past the first
    /// `retriedTestsOnceLost` retried ones when none of their retries was granted yet (a test with one running waits
    /// for it: it is final only once every attempt it was given reported), and ends those tests
    /// as failed after their first attempt.
    func dropRetriesPastLimit() {
        guard retriedTests.count > Self.retriedTestsOnceLost else { return }
        let lastOrdinary = planned.spec.maxAttempts
        var queued: [Int: Int] = [:]
        for retry in retries where retry.attempt <= lastOrdinary { queued[retry.index, default: 0] += 1 }
        var dropped: Set<Int> = []
        for index in retriedTests[Self.retriedTestsOnceLost...]
            where planned.tests[index].neverPassed && !status[index].final && !status[index].confirming
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
