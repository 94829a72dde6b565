import Model

/// The retries of a test expected to fail go out beside its first attempt, not after it.
///
/// A test that failed every attempt of the suite's previous build and never passed, with
/// nothing it depends on changed since (`TestCase.neverPassed` outside a first build), will
/// almost surely fail again; a known break (`TestCase.knownBreak`) is one of them. Queued only
/// once its first attempt failed, its ordinary retries made a chain: the first attempt (sent
/// first, `FailedFirst`), then fresh processes running the test again, the first on another
/// worker. When the test is the suite's long one, the chain is the build: astor 0.8.1's broken
/// `test_convert_stdlib` takes 0.35 s of a 0.8 s build, and its retry after it made the build
/// 1.5 × the same build with `--retries 0`. So its ordinary retries (one: `ordinaryAttempts`)
/// are queued when its first attempt is granted, the first for another worker, and they run at
/// once, in the workers' retry lanes while their slots have first attempts to run.
///
/// What stays as it was: the first retry runs on another worker, every retry in a fresh
/// process; every attempt is stored; confirmation runs still wait until every ordinary attempt
/// failed; the test is final only once its first attempt reported. A pass of a retry before
/// that waits for it (`passedAhead`): the test then passed on attempt 1 if that passed too, else
/// on the retry. A first attempt that passes drops the retries not granted yet; one already
/// running reports into the void, as a confirmation run still running when another passed does.
/// At most `retriedTestsOnceLost` tests of a build get them (the ones whose retries a broad break
/// keeps), so a break of many such tests pays only for the retries it always paid for.
extension BuildState {
    /// Whether test `index` is expected to fail (see above).
    func expectedToFail(_ index: Int) -> Bool {
        planned.tests[index].knownBreak || (planned.tests[index].neverPassed && !planned.firstBuild)
    }

    /// Queues test `index`'s ordinary retries now, as its first attempt goes to `worker`, when it
    /// is expected to fail and gets them (see above). Returns whether it did.
    func queueEarlyRetries(_ index: Int, firstAttemptTo worker: String) -> Bool {
        guard expectedToFail(index), !cannotPass, !status[index].final, status[index].attempt == 1,
              !isReported(index, 1), retriedTests.count < Self.retriedTestsOnceLost,
              wantsAnotherAttempt(index, after: 1)
        else { return false }
        earlyRetried.insert(index)
        queueAttempts(index, after: 1, avoiding: worker)
        return true
    }

    /// Whether `retry` is one of the ordinary retries `queueEarlyRetries` sent out early.
    func isEarly(_ retry: Retry) -> Bool {
        !earlyRetried.isEmpty && retry.attempt <= ordinaryAttempts(of: retry.index) && earlyRetried.contains(retry.index)
    }

    /// Applies a pass of attempt `attempt` of a test whose first attempt has not reported (its
    /// retry went out early): the test waits for its first attempt, and nothing more of it
    /// runs. Returns false when that is not the case.
    func holdEarlyPass(_ index: Int, attempt: Int) -> Bool {
        guard attempt > 1, !isReported(index, 1), earlyRetried.contains(index) else { return false }
        if status[index].passedAhead == 0 { status[index].passedAhead = attempt }
        retries.removeAll { $0.index == index }
        return true
    }

    /// Ends a test whose early retry passed once its first attempt reported: passed on the first
    /// attempt, or on that retry when the first attempt failed.
    func settlePassedAhead(_ index: Int, firstFailed: Bool) {
        markFinal(index, failed: false, attempt: firstFailed ? status[index].passedAhead : 1)
    }

    /// Whether `tests` (a reclaim would give them back) hold a first attempt whose retry went
    /// out early: queued again, it could go to the worker running that retry, and the test's
    /// first two attempts would run on one worker.
    func givesBackEarlyRetried(_ tests: [Int]) -> Bool {
        !earlyRetried.isEmpty && tests.contains { earlyRetried.contains($0) && !isReported($0, 1) }
    }
}
