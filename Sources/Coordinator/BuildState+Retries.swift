import Model

/// A failed test's further attempts: its ordinary retries all at once (the first on another
/// worker), then, once every ordinary attempt failed, all confirmation runs at once (on whatever
/// slots are free); the first pass ends the test. Every attempt's result is stored; one arriving
/// after the test is final changes nothing.
///
/// Side by side rather than one after another: a broken test's retries were a chain of fresh
/// processes at the build's end (attempt 2, then 3, then the confirmation wave), and a test that
/// is costly to start in a fresh process (freezegun's first `freeze_time` walks every loaded
/// module) made that chain the build's tail. A flaky test whose first retry passes now costs one
/// more run, recorded like any other (flaky-eval's generator draws it the same way).
extension BuildState {
    /// Applies one stored result of lease `lease` (0: unknown). Returns true when the test got
    /// further attempts queued.
    func apply(_ result: TestResult, index: Int, lease: UInt64 = 0) -> Bool {
        let attempt = result.attempt
        // A stale or duplicate report (a requeued lease's first worker finishing late, a
        // confirmation run still running when another passed) changes nothing: it is stored,
        // but this test has moved on.
        guard !status[index].final, attempt >= 1, attempt <= status[index].attempt, !isReported(index, attempt) else {
            return false
        }
        if attempt < 64 { status[index].reported |= 1 << UInt64(attempt) }
        if attempt == 1 {
            firstAttemptsSettled += 1
            status[index].firstPlace = result.place
            status[index].firstLease = lease
            status[index].firstDuration = max(0, result.duration)
            noteFileScale(index, took: max(0, result.duration))
            notePace(index, took: max(0, result.duration))
            noteSibling(index, took: max(0, result.duration))
        }
        // Its retry went out early and passed; this first attempt decides how (`passedAhead`).
        if attempt == 1 && status[index].passedAhead > 0 {
            settlePassedAhead(index, firstFailed: result.outcome.isFailure)
            return false
        }
        guard result.outcome.isFailure else {
            if holdEarlyPass(index, attempt: attempt) { return false }
            // Not a failing test after all: it does not count among the build's first failing
            // tests, whose retries a broad break keeps (`retriedTestsOnceLost`).
            if attempt == 1 && earlyRetried.contains(index) { retriedTests.removeAll { $0 == index } }
            // A test whose confirmation runs held others' back lets them go when it passes.
            let wasHolding = status[index].confirming && !confirmationsHeldBack().isEmpty
            markFinal(index, failed: false, attempt: attempt)
            // Its confirmation runs not yet granted are dropped; running ones report into the void.
            retries.removeAll { $0.index == index }
            return wasHolding
        }
        if attempt == 1 && planned.firstBuild { noteCause(of: result, index: index) }
        let spec = planned.spec
        if attempt > spec.maxAttempts {
            status[index].confirmationFailures += 1
            settleIfConfirmedBroken(index)
            return false
        }
        // Its confirmation runs went out beside its context retry, which has now failed too.
        if status[index].confirming {
            settleIfConfirmedBroken(index)
            return false
        }
        // Ordinary retries run side by side: what follows waits for the last of them to fail,
        // but for a context retry (see `confirmsBesideContextRetry`).
        let latest = status[index].attempt
        guard (1...latest).allSatisfy({ isReported(index, $0) }) else {
            // An early retry held back for want of another worker may go to this one now.
            if attempt == 1 && earlyRetried.contains(index) { return true }
            guard confirmsBesideContextRetry(index, after: latest) else { return false }
            queueAttempts(index, after: latest, avoiding: result.worker)
            return true
        }
        guard wantsAnotherAttempt(index, after: latest) else {
            markFinal(index, failed: true, attempt: latest)
            // A known break gets no confirmation runs; the store still says whether the gate may
            // excuse it (a quarantine), as for a test that failed all of them.
            if planned.tests[index].knownBreak && latest == ordinaryAttempts(of: index) && planned.spec.confirmAttempts > 0 {
                askWhetherExcused(index)
            }
            return false
        }
        status[index].lastWorker = result.worker
        if attempt == 1 && !cannotPass {
            let context = retryContext(of: index, failedAt: result.place, lease: lease)
            if !context.isEmpty { retryContexts[index] = context }
        }
        queueAttempts(index, after: latest, avoiding: result.worker)
        return true
    }

    /// Whether a test's confirmation runs go out now, while its context retry (attempt 2, after
    /// its predecessors: `retryContext`) still runs and every other ordinary attempt has failed.
    /// The runs are context-free, as the plain retries that just failed were; the test is final
    /// only once the context retry failed too (`settleIfConfirmedBroken`), and a pass there ends
    /// it as any pass does (the runs still going report into the void). Why: the context retry
    /// is the slow one (its predecessors first, in a child whose caches are cold), and the wave
    /// waited for it at the build's end: a first build of dateutil with one broken test near its
    /// end ran the context retry (about 1.5 s), then five confirmation runs (1.8 s) after it,
    /// on an otherwise idle fleet.
    private func confirmsBesideContextRetry(_ index: Int, after latest: Int) -> Bool {
        guard retryContexts[index] != nil, latest == planned.spec.maxAttempts, latest >= 3, !isReported(index, 2),
              (3...latest).allSatisfy({ isReported(index, $0) })
        else { return false }
        return wantsAnotherAttempt(index, after: latest)
    }

    /// Ends a test being confirmed as failed once every confirmation run and every ordinary
    /// attempt (a context retry may outlast the wave) failed; the gate is then asked whether it
    /// may excuse it.
    private func settleIfConfirmedBroken(_ index: Int) {
        let spec = planned.spec
        guard status[index].confirmationFailures >= spec.confirmAttempts,
              (1...ordinaryAttempts(of: index)).allSatisfy({ isReported(index, $0) })
        else { return }
        markFinal(index, failed: true, attempt: status[index].attempt)
        askWhetherExcused(index)
    }

    /// Test `index` failed every run it gets: the core asks the store whether the gate may excuse
    /// it (`CoordinatorCore.askAboutFailedConfirmations`), unless the build cannot pass already.
    private func askWhetherExcused(_ index: Int) {
        guard !cannotPass else { return }
        failedConfirmations.append(index)
        awaitingBlockingAnswer.insert(index)
    }

    /// Queues what follows failed attempt `attempt`: every ordinary retry left together, or, after
    /// the last ordinary attempt, every confirmation run together.
    func queueAttempts(_ index: Int, after attempt: Int, avoiding worker: String?) {
        let maxAttempts = planned.spec.maxAttempts, ordinary = ordinaryAttempts(of: index)
        // Confirmation runs are numbered past `maxAttempts`, after fewer ordinary attempts too.
        let first = attempt < ordinary ? attempt + 1 : max(attempt, maxAttempts) + 1
        let last = attempt < ordinary ? ordinary : maxAttempts + planned.spec.confirmAttempts
        // The first goes to another worker; the rest of a wave to any free slot, the failing
        // worker's included, so they run side by side even on two workers.
        let wave = (first...last).map { Retry(index: index, attempt: $0, avoidWorker: $0 == first ? worker : nil) }
        if attempt < ordinary {
            if attempt == 1 { retriedTests.append(index) }
            retries.append(contentsOf: wave)
        } else {
            // Confirmation runs wait cheapest test first: the first test confirmed broken can
            // end the others' (`stopConfirming`), and a cheap one is confirmed soonest.
            let predicted = planned.tests[index].predicted
            let position = retries.firstIndex {
                $0.attempt > maxAttempts && planned.tests[$0.index].predicted > predicted
            } ?? retries.endIndex
            retries.insert(contentsOf: wave, at: position)
        }
        status[index].attempt = last
    }

    /// A test's ordinary attempts: the build's, but at most two for a test expected to fail
    /// (`expectedToFail`: a known break, or one that failed every attempt of the previous build
    /// and never passed, with nothing it depends on changed since). Its one retry (on another
    /// worker) still lets a fix that left it flaky pass; a second only repeated, in one more
    /// fresh process, what its history says (beautifulsoup4's broken test cost 0.2 CPU-s a run
    /// there, on a 1.3 s build; astor's 0.35 s of a 0.8 s build). One that is not a known break
    /// still gets its confirmation runs when both fail (`wantsAnotherAttempt`), numbered as
    /// every test's are (past the build's `maxAttempts`): a flaky test that failed a whole build
    /// before is still told from a break before it blocks a build that could pass.
    func ordinaryAttempts(of index: Int) -> Int {
        expectedToFail(index) ? min(planned.spec.maxAttempts, 2) : planned.spec.maxAttempts
    }

    /// Whether a test whose attempt `attempt` failed runs again: a retry while ordinary attempts
    /// remain; then, once all of them failed, confirmation runs while the build's budget of
    /// confirming tests lasts (a test that fails every attempt blocks the deploy, so it is worth
    /// a few more runs to tell a burst of flakiness from a real break), unless it is a known
    /// break (`TestCase.knownBreak`: it never passed in at least a build's worth of runs).
    func wantsAnotherAttempt(_ index: Int, after attempt: Int) -> Bool {
        let spec = planned.spec
        if attempt < ordinaryAttempts(of: index) { return attempt > 1 || !retriesSpent(by: index) }
        if !status[index].confirming {
            guard attempt == ordinaryAttempts(of: index), spec.confirmAttempts > 0, confirmingTests.count < spec.confirmLimit, !cannotPass,
                  !planned.tests[index].knownBreak
            else {
                return false
            }
            status[index].confirming = true
            confirmingTests.append(index)
        }
        return attempt < spec.maxAttempts + spec.confirmAttempts
    }

    /// The build cannot pass any more (a test that failed every confirmation run blocks it, and
    /// the gate cannot excuse that test): confirmation runs only ever turn a block into a pass,
    /// so the ones not yet granted are dropped and the tests being confirmed end as failed, as
    /// if the build's budget of confirming tests had run out (the core revokes the runs already
    /// granted: `CoordinatorCore.blockingAnswered`). Ordinary retries go on: they tell a flaky test from
    /// a broken one in the record, whatever the verdict; they run without contexts from then on
    /// (see `retryContext`), so the ones kept for retries not yet granted are dropped too.
    func stopConfirming() {
        cannotPass = true
        retryContexts.removeAll()
        failedConfirmations.removeAll()
        awaitingBlockingAnswer.removeAll()
        let lastOrdinary = planned.spec.maxAttempts
        retries.removeAll { $0.attempt > lastOrdinary }
        for index in confirmingTests where !status[index].final {
            markFinal(index, failed: true, attempt: status[index].attempt)
        }
        dropRetriesPastLimit()
    }

    /// Tests whose confirmation runs wait for an earlier test's: once a test being confirmed has
    /// failed a confirmation run too (four or more failures in a row: most likely a real break),
    /// the tests that started confirming after it wait until it is final and, if it failed them
    /// all, until the store said whether the gate may excuse it. If it fails them all
    /// and the gate cannot excuse it, the build cannot pass and their runs are dropped unrun
    /// (`stopConfirming`); if it passes, or the gate excuses it, theirs go out then. The gate's
    /// answer is the same either way; a build with several broken tests stops paying for every
    /// one's confirmation runs at once (two or three tests' waves, five runs each, where one
    /// decides). A wave with no failed run yet holds nothing back, so bursts of flaky tests still
    /// confirm side by side. Earlier tests are never held by later ones: no two tests wait on
    /// each other.
    func confirmationsHeldBack() -> Set<Int> {
        guard confirmingTests.count > 1, !cannotPass,
              let first = confirmingTests.firstIndex(where: {
                  (!status[$0].final && status[$0].confirmationFailures > 0) || awaitingBlockingAnswer.contains($0)
              })
        else { return [] }
        return Set(confirmingTests[(first + 1)...].filter { !status[$0].final })
    }

    /// A restarted coordinator picks a test up from its passing stored attempt if it has one, else
    /// its highest; a failed highest attempt just queues what is left, taking every attempt
    /// below it as failed (one lost with the old coordinator, beside a stored higher one, is not
    /// run again).
    func resume(_ index: Int, last: (attempt: Int, outcome: Outcome, worker: String)) {
        let spec = planned.spec
        status[index].attempt = last.attempt
        status[index].lastWorker = last.worker
        if !isReported(index, 1) { firstAttemptsSettled += 1 }
        status[index].reported = last.attempt < 63 ? (1 << UInt64(last.attempt + 1)) - 2 : .max
        if last.attempt > spec.maxAttempts {
            status[index].confirming = true
            confirmingTests.append(index)
        }
        guard last.outcome.isFailure else {
            markFinal(index, failed: false, attempt: last.attempt)
            return
        }
        let lastConfirmation = spec.maxAttempts + spec.confirmAttempts
        if last.attempt > spec.maxAttempts {
            // Taken as if every confirmation run below it failed too (their order is not kept).
            status[index].confirmationFailures = last.attempt - spec.maxAttempts
            guard last.attempt < lastConfirmation else {
                markFinal(index, failed: true, attempt: last.attempt)
                return
            }
            for next in (last.attempt + 1)...lastConfirmation {
                retries.append(Retry(index: index, attempt: next, avoidWorker: last.worker))
            }
            status[index].attempt = lastConfirmation
        } else if wantsAnotherAttempt(index, after: last.attempt) {
            queueAttempts(index, after: last.attempt, avoiding: last.worker)
        } else {
            markFinal(index, failed: true, attempt: last.attempt)
        }
    }

    /// Takes retries for a worker: ones it did not fail itself, unless it is the only worker (or,
    /// for a test pinned to an arch, the only worker of that arch: else the retry waits forever).
    /// One grant holds one suite, one attempt number and each test once: one fresh process runs
    /// the failed tests of every module together. A confirmation run is a grant of its own (it
    /// shares its process with no other test), and a test's go side by side.
    /// With `lateOnly`, early retries (`queueEarlyRetries`) stay queued: they go to a retry
    /// lane, beside the worker's first attempts, not in a slot those could use.
    func takeRetries(for worker: String, arch: Arch, onlyWorker: Bool, onlyOfArch: Bool = false,
                     limit: Int, lateOnly: Bool = false) -> [(index: Int, attempt: Int)] {
        var taken: [(index: Int, attempt: Int)] = []
        var takenTests: Set<Int> = []
        var kept: [Retry] = []
        kept.reserveCapacity(retries.count)
        let held = confirmationsHeldBack()
        let heldPastLimit = retriesHeldPastLimit()
        for retry in retries {
            let test = planned.tests[retry.index]
            if !held.isEmpty && retry.attempt > planned.spec.maxAttempts && held.contains(retry.index) {
                kept.append(retry)
                continue
            }
            if !heldPastLimit.isEmpty && retry.attempt <= planned.spec.maxAttempts && heldPastLimit.contains(retry.index) {
                kept.append(retry)
                continue
            }
            let early = isEarly(retry)
            if lateOnly && early {
                kept.append(retry)
                continue
            }
            let archOK = test.arch == nil || test.arch == arch
            let alone = onlyWorker || (test.arch != nil && onlyOfArch)
            // A grant runs one suite (its first test's) at one attempt number; a confirmation
            // run has a grant of its own, so each reports as soon as it ran and a cheap test's
            // never waits behind a slow one's.
            let fits = taken.first.map {
                $0.attempt == retry.attempt && $0.attempt <= planned.spec.maxAttempts
                    && planned.tests[$0.index].suite == test.suite
            } ?? true
            // Alone, a worker takes what it failed itself, but not an early retry of a first
            // attempt it still runs: that waits for another worker or for the first result.
            let elsewhere = retry.avoidWorker != worker || (alone && (!early || isReported(retry.index, 1)))
            if taken.count < limit && archOK && fits && !takenTests.contains(retry.index) && elsewhere {
                taken.append((retry.index, retry.attempt))
                takenTests.insert(retry.index)
            } else {
                kept.append(retry)
            }
        }
        retries = kept
        return taken
    }
}
