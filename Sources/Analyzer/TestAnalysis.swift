public import Model

/// The evidence behind a test's state, strongest first.
public struct TestEvidence: Sendable, Hashable {
    /// (commit, arch) pairs on which the test both passed and failed.
    public var sameCommitMixed = 0
    /// Failures on such (commit, arch) pairs.
    public var sameCommitFailures = 0
    /// Builds in which a failed attempt was followed by a passing retry.
    public var passedOnRetry = 0
    /// Changes between "some attempt failed" and "all passed" from one commit to the next.
    public var flips = 0
    /// Commits the test ran on (flip rate = flips / (commits − 1)).
    public var commits = 0
    /// Attempts discounted as infrastructure (outage builds, bad workers).
    public var infrastructureDiscounted = 0
    /// From before the analysed window (`LongRangeRecord`, pruned days' rollups): flaky failures
    /// and the attempts they are out of, included in the test's flaky figures.
    public var rolledUpFlakyFailures = 0
    public var rolledUpAttempts = 0

    public var flipRate: Double { commits > 1 ? Double(flips) / Double(commits - 1) : 0 }
}

/// What a test cost its users, for ranking reports by harm.
public struct TestHarm: Sendable, Hashable {
    /// Builds (not outages) in which the test failed every attempt.
    public var failedBuilds = 0
    /// Seconds spent on its retries (attempts after the first).
    public var retrySeconds = 0.0
}

/// A break found by change-point detection, with commit SHAs resolved.
public struct BreakReport: Sendable, Hashable {
    /// nil: on every arch; otherwise only on this arch.
    public var arch: Arch?
    public var lastPassingCommit: String?
    public var firstFailingCommit: String
    public var fixedAtCommit: String?
    public var failures: Int
    /// Observations (builds) inside the break.
    public var builds: Int
}

/// A side branch's (a PR's) ongoing break of a test: every attempt failed in that branch's
/// newest builds of it. Reported against the branch; never flakiness, never a target-branch break.
public struct BranchBreak: Sendable, Hashable {
    public var branch: String
    /// The commit of the branch's first build in this run of failing builds.
    public var sinceCommit: String
    /// The branch's builds in the run.
    public var builds: Int
}

/// One test's analysis.
public struct TestAnalysis: Sendable, Hashable {
    public var test: Int32
    public var name: String
    public var state: TestState
    /// When the state holds on one arch only (flaky or broken "on aarch64").
    public var arch: Arch?
    /// Posterior mean of the per-attempt flake rate.
    public var flakeRate: Double
    public var flakeInterval: ClosedRange<Double>
    /// Flaky failures and attempts: outside breaks, outages and bad workers.
    public var flakyFailures: Int
    public var flakyAttempts: Int

    /// The posterior over this test's flake rate given the suite prior (its `flakeRate` is the mean).
    public func posterior(prior: BetaBinomial) -> BetaBinomial {
        prior.posterior(failures: flakyFailures, attempts: flakyAttempts)
    }
    /// Every evidence attempt and failure, before any discounting.
    public var totalAttempts: Int
    public var totalFailures: Int
    /// P(at least this many flaky failures | not flaky, ambient rate).
    public var pValue: Double
    /// Flagged flaky by Benjamini–Hochberg.
    public var flagged: Bool
    public var evidence: TestEvidence
    public var harm: TestHarm
    /// The newest break (ongoing or ended), if any.
    public var latestBreak: BreakReport?
    /// Evidence attempts that passed since the test's last flaky failure.
    public var cleanRunsSinceLastFailure: Int
    /// The longest run of clean attempts between two earlier failures (quarantine release
    /// waits for a clean run of twice this, so a bursty test's quiet spell is not a fix).
    public var longestCleanGap: Int
    public var quarantine: QuarantineReason?
    /// Build index of the last flaky failure (nil: none).
    public var lastFlakyFailureBuild: Int32?
    /// Builds outside breaks and infrastructure failures, and how many of them failed every
    /// attempt: a bursty test's all-failing builds come far more often than rate^attempts.
    public var flakyBuilds: Int
    public var allFailedBuilds: Int
    /// The newest side branch's break of this test, while it lasts (the branch's newest build
    /// of the test failed every attempt).
    public var branchBreak: BranchBreak?
    /// Set when the test fails only after another test ran before it in the same process
    /// (`OrderDependenceRule`): a bug of the suite, reported with the test it depends on. Its
    /// state stays what the flaky analysis found (usually flaky: the fresh retry passes).
    public var orderDependency: OrderDependency?

    /// The observed share of builds in which the test failed every attempt (0 when it never did).
    public var allFailedBuildRate: Double { flakyBuilds > 0 ? Double(allFailedBuilds) / Double(flakyBuilds) : 0 }

    /// The commit the state dates from: the first failing commit of an ongoing break, the fix
    /// commit of a fixed test, nil otherwise.
    public var sinceCommit: String? {
        switch state {
        case .broken: latestBreak?.firstFailingCommit
        case .fixed: latestBreak?.fixedAtCommit
        // A person quarantined a test that is still failing every attempt: it stays broken since X.
        case .quarantined where latestBreak.map { $0.fixedAtCommit == nil && $0.arch == nil } ?? false:
            latestBreak?.firstFailingCommit
        default: nil
        }
    }
}
