public import Store
extension GateInput {
    /// Adds what the analyser knows of the build's failing tests: quarantine (a person's,
    /// automatic, provisional), each test's posterior over its flake rate, how often it failed
    /// whole builds, whether it has a flaky history, and the suite prior and regression rate.
    ///
    /// The one way history reaches the gate: `StoredGate` calls it with a full analysis or a
    /// re-analysis against the snapshot, and the flaky-eval benchmark with its checkpoint
    /// analyses, so the benchmark measures the gate production runs.
    ///
    /// - Parameters:
    ///   - analysed: the analyses of the tests to judge (others are ignored by the gate anyway).
    ///   - prior: the suite prior the posteriors were computed against.
    ///   - regressionRate: the prior probability that a test in a build is a real regression.
    public mutating func addHistory(_ analysed: some Sequence<TestAnalysis>, prior: BetaBinomial, regressionRate: Double) {
        self.regressionRate = regressionRate
        unknownTestPrior = prior
        for test in analysed {
            flakePosteriors[test.name] = test.posterior(prior: prior)  // its mean is test.flakeRate
            if test.allFailedBuilds > 0 { allFailedBuildRates[test.name] = test.allFailedBuildRate }
            // Flakiness needs a pass somewhere: a test that never passed is not "confirmed flaky"
            // however the suite's prior weighs it (a tiny suite with one very flaky test can make
            // three failures look like bad luck), so only a person's quarantine covers it, and
            // its failures are no flaky record (a test failing its one attempt in two builds
            // in a row, as `--retries 0` or a JUnit file without reruns gives it, is broken).
            let neverPassed = test.totalFailures == test.totalAttempts
            // An ongoing break is not a flaky record either: its failures must keep blocking.
            if test.flakyFailures > 0 && test.state != .broken && !neverPassed { flakyHistory.insert(test.name) }
            if test.quarantine != nil && !(neverPassed && test.quarantine != .manual) { quarantined.insert(test.name) }
            if test.quarantine == .manual { manuallyQuarantined.insert(test.name) }
            if test.quarantine == .provisional { provisionallyQuarantined.insert(test.name) }
        }
    }
}

extension GateInput {
    /// Adds the long record of days whose raw results were pruned (`Store.rollupTotals`, target
    /// branch only) to the failing tests' posteriors, so a test's known flakiness outlives the
    /// raw window: its flaky failures, over its attempts outside builds that failed every attempt
    /// (those may be breaks, which say nothing about its flake rate).
    public mutating func addRollups(_ totals: [String: RollupTotals]) {
        for (test, total) in totals where total.runs > 0 {
            let brokenFailures = max(total.failures - total.flakyFailures, 0)
            let attempts = max(total.runs - brokenFailures, total.flakyFailures)
            let posterior = flakePosteriors[test] ?? unknownTestPrior
            flakePosteriors[test] = posterior.posterior(failures: total.flakyFailures, attempts: attempts)
            if total.flakyFailures > 0 { flakyHistory.insert(test) }
        }
    }
}
