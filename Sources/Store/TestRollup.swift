/// One test's figures for one UTC day and one branch class: what is kept forever once `prune`
/// deletes that day's raw results (one row of the `test_rollup` table).
public struct TestRollup: Sendable, Hashable {
    /// Which builds a rollup counts: the target branches' (main, or no branch) or side branches' (PRs).
    public enum BranchClass: String, Sendable, Hashable {
        case target, side
    }

    public var test: String
    /// Days since 1970-01-01 UTC of the builds' creation.
    public var day: Int
    public var branchClass: BranchClass
    /// Builds that ran the test that day.
    public var builds: Int
    /// Attempts (runs), retries included.
    public var runs: Int
    /// Failed attempts.
    public var failures: Int
    /// Failed attempts in builds where the test also passed (on a retry or a confirmation run):
    /// same-commit evidence of flakiness.
    public var flakyFailures: Int
    /// Builds in which every attempt failed.
    public var failedBuilds: Int
    /// Duration quantiles over the day's attempts, in seconds.
    public var durationP50: Double
    public var durationP90: Double
    public var durationMax: Double

    public init(test: String, day: Int, branchClass: BranchClass, builds: Int, runs: Int, failures: Int, flakyFailures: Int,
                failedBuilds: Int, durationP50: Double, durationP90: Double, durationMax: Double) {
        self.test = test
        self.day = day
        self.branchClass = branchClass
        self.builds = builds
        self.runs = runs
        self.failures = failures
        self.flakyFailures = flakyFailures
        self.failedBuilds = failedBuilds
        self.durationP50 = durationP50
        self.durationP90 = durationP90
        self.durationMax = durationMax
    }

    /// A build's class: `target` on one of `targetBranches` or on no branch, else `side`.
    public static func branchClass(of branch: String?, targetBranches: Set<String>) -> BranchClass {
        guard let branch, !branch.isEmpty, !targetBranches.contains(branch) else { return .target }
        return .side
    }

    /// The UTC day of a Unix time.
    public static func day(of time: Double) -> Int { Int((time / 86_400).rounded(.down)) }
}
