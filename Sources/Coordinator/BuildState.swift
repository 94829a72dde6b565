import Model
import Planning

/// A build being dispatched: what waits, what runs, what is final.
final class BuildState {
    struct TestStatus {
        /// The attempt number the next (or current) run of this test uses.
        var attempt = 1
        var final = false
        var failed = false
        /// The worker that ran the last failed attempt (a retry goes elsewhere when it can).
        var lastWorker: String?
        var passedOnRetry = false
        /// Every ordinary attempt failed and the test got confirmation runs.
        var confirming = false
    }

    /// A failed test waiting for its next attempt.
    struct Retry {
        var index: Int
        var avoidWorker: String?
    }

    let planned: PlannedBuild
    var pending = PendingQueue()
    var retries: [Retry] = []
    var status: [TestStatus]
    var finalCount = 0
    var failedCount = 0
    /// Tests that got confirmation runs (at most `spec.confirmLimit`).
    var confirmingCount = 0
    var watchers: Set<[UInt8]> = []
    var finished = false
    /// Workers that could not prepare this build's workspace (fetch or setup failed), with what
    /// they said: they get no more of its tests.
    var faultedWorkers: [String: String] = [:]
    /// Set when every connected worker failed to prepare the workspace: the build ends with an
    /// infrastructure error carrying this, not a verdict.
    var infrastructureFault: String?
    var lastProgressAt: UInt64 = 0
    let startedAt: UInt64
    private var indexByName: [String: Int]?

    var id: String { planned.spec.id }
    var total: Int { planned.tests.count }
    var isComplete: Bool { finalCount == total }

    init(planned: PlannedBuild, now: UInt64) {
        self.planned = planned
        self.status = Array(repeating: TestStatus(), count: planned.tests.count)
        self.startedAt = now
    }

    /// Queues every test that has no final result yet, given what the store already holds
    /// (empty for a new build; a restarted coordinator passes the stored attempts).
    func queueUnfinished(stored: [String: (attempt: Int, outcome: Outcome, worker: String)]) {
        var fresh: [TestCase] = []
        for test in planned.tests {
            guard let last = stored[test.name] else {
                fresh.append(test)
                continue
            }
            if last.attempt > planned.spec.maxAttempts {
                status[test.index].confirming = true
                confirmingCount += 1
            }
            if !last.outcome.isFailure || !wantsAnotherAttempt(test.index, after: last.attempt) {
                markFinal(test.index, failed: last.outcome.isFailure, attempt: last.attempt)
            } else {
                status[test.index].attempt = last.attempt + 1
                status[test.index].lastWorker = last.worker
                retries.append(Retry(index: test.index, avoidWorker: last.worker))
            }
        }
        pending.add(fresh)
    }

    func index(of name: String) -> Int? {
        if indexByName == nil {
            var map = [String: Int](minimumCapacity: planned.tests.count)
            for test in planned.tests { map[test.name] = test.index }
            indexByName = map
        }
        return indexByName![name]
    }

    func markFinal(_ index: Int, failed: Bool, attempt: Int) {
        guard !status[index].final else { return }
        status[index].final = true
        status[index].failed = failed
        status[index].passedOnRetry = !failed && attempt > 1
        finalCount += 1
        if failed { failedCount += 1 }
    }

    /// Applies one stored result. Returns true when the test needs another attempt.
    func apply(_ result: TestResult, index: Int) -> Bool {
        // A stale or duplicate report (a requeued lease's first worker finishing late) changes
        // nothing: it is stored, but this test has moved on.
        guard !status[index].final, result.attempt == status[index].attempt else { return false }
        if result.outcome.isFailure && wantsAnotherAttempt(index, after: result.attempt) {
            status[index].attempt += 1
            status[index].lastWorker = result.worker
            retries.append(Retry(index: index, avoidWorker: result.worker))
            return true
        }
        markFinal(index, failed: result.outcome.isFailure, attempt: result.attempt)
        return false
    }

    /// Whether a test whose attempt `attempt` failed runs again: a retry while ordinary attempts
    /// remain; then, once all of them failed, confirmation runs while the build's budget of
    /// confirming tests lasts (a test that fails every attempt blocks the deploy, so it is worth
    /// a few more runs to tell a burst of flakiness from a real break).
    func wantsAnotherAttempt(_ index: Int, after attempt: Int) -> Bool {
        let spec = planned.spec
        if attempt < spec.maxAttempts { return true }
        if !status[index].confirming {
            guard attempt == spec.maxAttempts, spec.confirmAttempts > 0, confirmingCount < spec.confirmLimit else { return false }
            status[index].confirming = true
            confirmingCount += 1
        }
        return attempt < spec.maxAttempts + spec.confirmAttempts
    }

    /// Puts back tests whose lease was lost, unless they have moved on meanwhile.
    func requeue(_ remaining: [Int: Int]) {
        var front: [TestCase] = []
        for (index, attempt) in remaining where !status[index].final && status[index].attempt == attempt {
            if attempt > 1 {
                retries.append(Retry(index: index, avoidWorker: nil))
            } else {
                front.append(planned.tests[index])
            }
        }
        pending.requeueFirst(front)
    }

    /// Takes retries for a worker: ones it did not fail itself, unless it is the only worker (or,
    /// for a test pinned to an arch, the only worker of that arch: else the retry waits forever).
    func takeRetries(for worker: String, arch: Arch, onlyWorker: Bool, onlyOfArch: Bool = false, limit: Int) -> [Int] {
        var taken: [Int] = []
        var kept: [Retry] = []
        for retry in retries {
            let test = planned.tests[retry.index]
            let archOK = test.arch == nil || test.arch == arch
            let alone = onlyWorker || (test.arch != nil && onlyOfArch)
            if taken.count < limit && archOK && (alone || retry.avoidWorker != worker) {
                taken.append(retry.index)
            } else {
                kept.append(retry)
            }
        }
        retries = kept
        return taken
    }
}
