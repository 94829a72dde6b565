/// The gate's answer for one build: the JSON shape of `--json` and `gate --json`.
public struct Verdict: Sendable, Codable, Hashable {
    public enum Decision: String, Sendable, Codable { case pass, fail }

    public struct Counts: Sendable, Codable, Hashable {
        public var total = 0
        public var passed = 0
        public var failed = 0
        public var skipped = 0
        /// Tests that failed and then passed on a retry within this build.
        public var flaky = 0
        public init() {}
    }

    public struct Failure: Sendable, Codable, Hashable {
        public var test: String
        public var attempts: Int
        public var outcome: String
        public init(test: String, attempts: Int, outcome: String) {
            self.test = test
            self.attempts = attempts
            self.outcome = outcome
        }
    }

    public var build: String
    public var commit: String?
    public var verdict: Decision
    public var counts: Counts
    public var failures: [Failure]
    public var reasons: [String]
    /// True when the suite was simulated (`sim:`): its results say nothing about real code.
    public var simulated: Bool
    public var suite: String
    /// Wall time of the build in seconds, when it ran here.
    public var wallSeconds: Double?
    /// Tests that failed at first and passed on retry.
    public var passedOnRetry: [String]
    /// Tests whose failures did not block because they are quarantined.
    public var quarantined: [String]

    public init(
        build: String, commit: String?, verdict: Decision, counts: Counts, failures: [Failure], reasons: [String],
        simulated: Bool, suite: String, wallSeconds: Double? = nil, passedOnRetry: [String] = [],
        quarantined: [String] = []
    ) {
        self.build = build
        self.commit = commit
        self.verdict = verdict
        self.counts = counts
        self.failures = failures
        self.reasons = reasons
        self.simulated = simulated
        self.suite = suite
        self.wallSeconds = wallSeconds
        self.passedOnRetry = passedOnRetry
        self.quarantined = quarantined
    }

    enum CodingKeys: String, CodingKey {
        case build, commit, verdict, counts, failures, reasons, simulated, suite
        case wallSeconds = "wall_seconds"
        case passedOnRetry = "passed_on_retry"
        case quarantined
    }
}
