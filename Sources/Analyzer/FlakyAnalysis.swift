/// The result of one analysis over a history: every test's state and evidence, plus the
/// suite-wide figures the states were judged against.
public struct FlakyAnalysis: Sendable {
    /// One entry per test, indexed by test id (`AttemptRecord.test`).
    public var tests: [TestAnalysis]
    /// The Beta prior over flake rates learned from the suite.
    public var prior: BetaBinomial
    /// The per-attempt ambient failure rate the "not flaky" hypothesis was tested against.
    public var ambientFailureRate: Double
    /// Breaks started per test-build: the prior probability that a failure is a real regression.
    public var regressionRate: Double
    /// The largest p-value Benjamini–Hochberg rejected (−1: none), so a later incremental
    /// re-analysis of a few tests flags on the same bar.
    public var flagThreshold: Double
    /// The Benjamini–Hochberg bar for one more rejection, (R + 1)·q / m: a re-analysed test
    /// whose p-value clears it would have been flagged had it been in the full pass.
    public var nextFlagBar: Double
    public var infrastructure: InfrastructureEffects
    public var configuration: AnalyzerConfiguration
    /// Worker names and build ids, to name flagged infrastructure in reports.
    public var workerNames: [String]
    public var buildIDs: [String]

    /// Tests in a state, in test-id order.
    public func tests(in state: TestState) -> [TestAnalysis] { tests.filter { $0.state == state } }

    /// Outage builds, by build id.
    public var outageBuildIDs: [String] {
        infrastructure.outageBuilds.indices.filter { infrastructure.outageBuilds[$0] }.map { buildIDs[$0] }
    }

    /// Flagged workers with the builds they were flagged in (empty list: flagged overall).
    public var flaggedWorkers: [(worker: String, builds: [String])] {
        infrastructure.flaggedBuildsByWorker()
            .map { (worker: workerNames[Int($0.key)], builds: $0.value.map { buildIDs[Int($0)] }) }
            .sorted { $0.worker < $1.worker }
    }
}
