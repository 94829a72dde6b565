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
    /// Estimated probability that a failure the gate let through (a pass on retry, a quarantined
    /// failure) was a real regression; 0 when nothing was let through.
    public var slipProbability: Double
    /// Tests that impact selection left out of this build (never run).
    public var skippedBySelection: [String]
    /// So many tests failed that the infrastructure, not the code, is the likelier cause.
    public var outageSuspected: Bool
    /// The tests that block this build: failed every attempt and nothing (quarantine, a flaky
    /// record, a pass on a confirmation run) excused them. The rest of `failures` did not block.
    public var blocking: [String]

    public init(
        build: String, commit: String?, verdict: Decision, counts: Counts, failures: [Failure], reasons: [String],
        simulated: Bool, suite: String, wallSeconds: Double? = nil, passedOnRetry: [String] = [],
        quarantined: [String] = [], slipProbability: Double = 0, skippedBySelection: [String] = [],
        outageSuspected: Bool = false, blocking: [String] = []
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
        self.slipProbability = slipProbability
        self.skippedBySelection = skippedBySelection
        self.outageSuspected = outageSuspected
        self.blocking = blocking
    }

    enum CodingKeys: String, CodingKey {
        case build, commit, verdict, counts, failures, reasons, simulated, suite
        case wallSeconds = "wall_seconds"
        case passedOnRetry = "passed_on_retry"
        case quarantined
        case slipProbability = "slip_probability"
        case skippedBySelection = "skipped_by_selection"
        case outageSuspected = "outage_suspected"
        case blocking
    }

    /// Reads verdicts written before the evidence fields existed as well (they default to none).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        build = try c.decode(String.self, forKey: .build)
        commit = try c.decodeIfPresent(String.self, forKey: .commit)
        verdict = try c.decode(Decision.self, forKey: .verdict)
        counts = try c.decode(Counts.self, forKey: .counts)
        failures = try c.decode([Failure].self, forKey: .failures)
        reasons = try c.decode([String].self, forKey: .reasons)
        simulated = try c.decodeIfPresent(Bool.self, forKey: .simulated) ?? false
        suite = try c.decodeIfPresent(String.self, forKey: .suite) ?? ""
        wallSeconds = try c.decodeIfPresent(Double.self, forKey: .wallSeconds)
        passedOnRetry = try c.decodeIfPresent([String].self, forKey: .passedOnRetry) ?? []
        quarantined = try c.decodeIfPresent([String].self, forKey: .quarantined) ?? []
        slipProbability = try c.decodeIfPresent(Double.self, forKey: .slipProbability) ?? 0
        skippedBySelection = try c.decodeIfPresent([String].self, forKey: .skippedBySelection) ?? []
        outageSuspected = try c.decodeIfPresent(Bool.self, forKey: .outageSuspected) ?? false
        blocking = try c.decodeIfPresent([String].self, forKey: .blocking) ?? []
    }
}
