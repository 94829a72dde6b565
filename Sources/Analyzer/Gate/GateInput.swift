public import Model

/// Everything the gate needs to judge one build, as plain values (no store).
public struct GateInput: Sendable {
    public var build: String
    public var commit: String?
    public var suite: String
    public var simulated: Bool
    /// Every attempt of every selected test in the build.
    public var results: [TestResult]
    /// Tests whose failures do not block (filled by `addHistory`, plus a person's quarantine).
    public var quarantined: Set<String>
    /// The quarantined tests a person put there: their failures never block, however unlikely
    /// their flakiness makes them.
    public var manuallyQuarantined: Set<String>
    /// The quarantined tests held there only provisionally (a pass on retry, not yet significant):
    /// they cover a failure of every attempt only while their record explains it (see
    /// `AnalyzerConfiguration.provisionalCoverLimit`).
    public var provisionallyQuarantined: Set<String> = []
    /// Each test's posterior over its flake rate (prior updated with its flaky history): the gate
    /// weighs a test's failures by the posterior's sequence probability (see
    /// `Gate.realFailureProbability`).
    public var flakePosteriors: [String: BetaBinomial] = [:]
    /// The suite prior, for a test with no posterior (no history at all). Until a caller adds
    /// history (`addHistory`), the weak prior the analyser starts from.
    public var unknownTestPrior = BetaBinomial.weakPrior
    /// Observed share of past builds in which a test failed every attempt outside breaks
    /// (`TestAnalysis.allFailedBuildRate`): for bursty tests this, not rate^attempts,
    /// is how likely flakiness alone fails a whole build.
    public var allFailedBuildRates: [String: Double] = [:]
    /// Prior probability that a given test in a given build is a real regression
    /// (`FlakyAnalysis.regressionRate`).
    public var regressionRate: Double
    /// Tests that selection skipped in this build (listed in the evidence, never run).
    public var skippedBySelection: [String]
    /// Set when the watermark rule failed (`BuildSelection.rebaseRequired`): the build fails.
    public var rebaseRequired: String?
    public var wallSeconds: Double?
    /// Tests with flaky failures before this build (outside breaks and infrastructure): what
    /// `AnalyzerConfiguration.flakyHistoryCoverLimit` weighs.
    public var flakyHistory: Set<String> = []
    /// Confirmation runs the build gave a test that failed every ordinary attempt
    /// (`BuildSpec.confirmAttempts`). 0 (an ingested JUnit file, `--retries 0`): the build's
    /// failures have no fresh evidence beside them, so the failures quarantine or a flaky history
    /// excuse are bounded together (`AnalyzerConfiguration.buildCoverLimit`).
    public var confirmationRuns = 0
    /// Tests left out of `results` because every attempt passed (or was skipped): a caller that
    /// reads only the failing tests' attempts still gets whole-build counts and outage checks.
    public var unlistedPassed = 0
    public var unlistedSkipped = 0

    public init(build: String, commit: String?, suite: String, simulated: Bool = false, results: [TestResult],
                quarantined: Set<String> = [], manuallyQuarantined: Set<String> = [], regressionRate: Double = 1e-4,
                skippedBySelection: [String] = [], rebaseRequired: String? = nil, wallSeconds: Double? = nil)
    {
        self.build = build
        self.commit = commit
        self.suite = suite
        self.simulated = simulated
        self.results = results
        self.quarantined = quarantined
        self.manuallyQuarantined = manuallyQuarantined
        self.regressionRate = regressionRate
        self.skippedBySelection = skippedBySelection
        self.rebaseRequired = rebaseRequired
        self.wallSeconds = wallSeconds
    }
}

/// The gate's full answer: the `Verdict` (what `--json` prints) plus its evidence fields on their
/// own (`slip_probability`, `skipped_by_selection`, `outage_suspected`).
public struct GateEvaluation: Sendable, Hashable {
    public var verdict: Verdict
    /// Estimated probability that at least one failure the gate let through (a pass-on-retry
    /// or a quarantined failure) was a real regression. See `Gate.slipProbability`.
    public var slipProbability: Double
    public var skippedBySelection: [String]
    /// Most tests failed: the verdict says more about the infrastructure than the code.
    public var outageSuspected: Bool
}
