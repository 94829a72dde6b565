/// Finds breaks in one test's history: runs of consecutive observations (builds, in commit
/// order) in which every attempt failed, and which the test's own flake rate can't explain.
///
/// A run R with f_R failed attempts is a break when f_R ≥ the minimum and r^f_R < the
/// likelihood threshold, where r is the test's flake rate estimated from everything *outside*
/// R (posterior mean under the suite prior). A stable test (r ≈ 0.001) breaks on its first
/// build that fails a first attempt and its retry; a test flaking at 50 % needs about fourteen
/// failures in a row before the run stops looking like bad luck.
public enum ChangePointDetector {
    /// One build's worth of a test's attempts (on one arch, or on all).
    public struct Observation: Sendable, Hashable {
        public var commit: Int32
        public var passes: Int
        public var failures: Int

        public init(commit: Int32, passes: Int, failures: Int) {
            self.commit = commit
            self.passes = passes
            self.failures = failures
        }

        var allFailed: Bool { failures > 0 && passes == 0 }
    }

    /// A detected break: observations `range` failed every attempt.
    public struct Break: Sendable, Hashable {
        /// Indices into the observations given.
        public var range: Range<Int>
        /// The newest commit before the break where the test passed (nil: it never passed before).
        public var lastPassingCommit: Int32?
        /// The first commit that failed every attempt: the break's culprit is in
        /// (lastPassingCommit, firstFailingCommit].
        public var firstFailingCommit: Int32
        /// The first commit after the break where the test passed again (nil: still broken).
        public var fixedAtCommit: Int32?
        public var failures: Int

        public var isOngoing: Bool { fixedAtCommit == nil }
    }

    /// The breaks in `observations` (already in commit order), oldest first.
    public static func breaks(in observations: [Observation], prior: BetaBinomial, likelihood: Double,
                              minimumFailures: Int) -> [Break]
    {
        var totalFailures = 0, totalAttempts = 0
        for observation in observations {
            totalFailures += observation.failures
            totalAttempts += observation.failures + observation.passes
        }
        guard totalFailures >= minimumFailures else { return [] }
        var result: [Break] = []
        var index = 0
        let logThreshold = log(likelihood)
        while index < observations.count {
            guard observations[index].allFailed else {
                index += 1
                continue
            }
            var end = index, runFailures = 0
            while end < observations.count, observations[end].allFailed {
                runFailures += observations[end].failures
                end += 1
            }
            let outsideFailures = Double(totalFailures - runFailures)
            let outsideAttempts = Double(totalAttempts - runFailures)
            let rate = (prior.alpha + outsideFailures) / (prior.alpha + prior.beta + outsideAttempts)
            if runFailures >= minimumFailures, Double(runFailures) * log(rate) < logThreshold {
                let lastPassing = lastPassingCommit(before: index, in: observations)
                let fixed = end < observations.count ? observations[end].commit : nil
                result.append(Break(range: index..<end, lastPassingCommit: lastPassing,
                                    firstFailingCommit: observations[index].commit, fixedAtCommit: fixed,
                                    failures: runFailures))
            }
            index = end
        }
        return result
    }

    /// Drops "blips" — breaks of a single observation that were fixed by the next one — when a
    /// test has `minimumBlips` or more of them. One such blip is a plausible one-commit
    /// regression that was reverted; a test that keeps breaking for exactly one build and
    /// recovering by itself is flaking in bursts, and its failures are flaky evidence.
    public static func droppingRepeatedBlips(_ breaks: [Break], minimumBlips: Int = 2) -> [Break] {
        let isBlip = { (found: Break) in found.range.count == 1 && !found.isOngoing }
        guard breaks.lazy.filter(isBlip).count >= minimumBlips else { return breaks }
        return breaks.filter { !isBlip($0) }
    }

    private static func lastPassingCommit(before index: Int, in observations: [Observation]) -> Int32? {
        var position = index - 1
        while position >= 0 {
            if observations[position].passes > 0 { return observations[position].commit }
            position -= 1
        }
        return nil
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
