public import Analyzer

/// The baselines flaky-eval compares testfleet with, each in its usual, simple form over the
/// raw history (no infrastructure discounting, no change points, no FDR control).
public enum BaselineDetectors {
    /// Flaky iff the test passed and failed on one commit (any build, arch or attempt).
    public static func sameCommitRule(_ history: AttemptHistory) -> [Bool] {
        var seen: [Int64: UInt8] = [:]  // (test, commit) → bit 1 passed, bit 2 failed
        var flaky = [Bool](repeating: false, count: history.testNames.count)
        for record in history.records where record.isEvidence {
            let key = Int64(record.test) << 32 | Int64(record.commit)
            let bits = seen[key, default: 0] | (record.outcome.isFailure ? 2 : 1)
            seen[key] = bits
            if bits == 3 { flaky[Int(record.test)] = true }
        }
        return flaky
    }

    /// Flaky iff the test's first attempt failed in at least `threshold` of the builds it ran in.
    public static func failureRateThreshold(_ history: AttemptHistory, threshold: Double = 0.02) -> [Bool] {
        var runs = [Int](repeating: 0, count: history.testNames.count)
        var failures = [Int](repeating: 0, count: history.testNames.count)
        for record in history.records where record.isEvidence && record.attempt <= 1 {
            runs[Int(record.test)] += 1
            if record.outcome.isFailure { failures[Int(record.test)] += 1 }
        }
        return runs.indices.map { runs[$0] > 0 && Double(failures[$0]) / Double(runs[$0]) >= threshold }
    }

    /// Flip-rate EWMA: per test, builds in commit order; the first attempt's pass/fail flipping
    /// from one build to the next scores 1, else 0; score ← α·flip + (1 − α)·score. Flaky iff the
    /// score ever reached `threshold` (sticky, as a flag that triggers quarantine would be). With
    /// α = 0.1 a single failure scores 0.19 (two flips), so 0.2 means "two failure episodes within
    /// about 25 builds".
    public static func flipRateEWMA(_ history: AttemptHistory, alpha: Double = 0.1, threshold: Double = 0.2) -> [Bool] {
        let testCount = history.testNames.count
        var firstAttempts: [[(commit: Int32, build: Int32, failed: Bool)]] = Array(repeating: [], count: testCount)
        for record in history.records where record.isEvidence && record.attempt <= 1 {
            firstAttempts[Int(record.test)].append((record.commit, record.build, record.outcome.isFailure))
        }
        return firstAttempts.map { runs in
            let ordered = runs.sorted { ($0.commit, $0.build) < ($1.commit, $1.build) }
            var score = 0.0
            var previous: Bool?
            for run in ordered {
                let flip: Double = previous.map { $0 != run.failed ? 1 : 0 } ?? 0
                score = alpha * flip + (1 - alpha) * score
                if score >= threshold { return true }
                previous = run.failed
            }
            return false
        }
    }
}
