import Model

/// Counters the loop keeps for metrics, and the snapshot it publishes for other threads.
struct LoopCounters {
    /// Results stored since start, indexed by `Outcome.code`.
    var results = [Int](repeating: 0, count: Outcome.allCases.count)
    var buildsFinished: [String: Int] = [:]
}

extension CoordinatorLoop {
    /// Counts stored results by outcome (called once per stored batch set, on the loop).
    func countStored(_ batches: [[TestResult]]) {
        for batch in batches {
            for result in batch { counters.results[Int(result.outcome.code)] += 1 }
        }
    }

    /// Publishes the figures `/metrics` and `/readyz` read: a copy behind a lock, refreshed at
    /// housekeeping, so a scrape never waits for the loop and the loop never waits for a scrape.
    func publishMetrics(now: UInt64) {
        var metrics = FleetMetrics()
        var queue = 0, running = 0
        for build in core.builds.values where !build.finished {
            running += 1
            queue += build.pending.count + build.retries.count
        }
        metrics.buildsRunning = running
        metrics.queueTests = queue
        for worker in core.workers.values { metrics.workers[worker.arch.rawValue, default: 0] += 1 }
        for outcome in Outcome.allCases { metrics.results[outcome.rawValue] = counters.results[Int(outcome.code)] }
        metrics.buildsFinished = counters.buildsFinished
        metrics.leaseExpiries = core.leaseExpiries
        metrics.testsHandedBack = core.testsHandedBack
        metrics.publishedAtUptimeMilliseconds = now
        service.published.withLock { $0 = metrics }
    }
}
