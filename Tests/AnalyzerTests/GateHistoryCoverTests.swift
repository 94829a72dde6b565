import Model
import Testing
@testable import Analyzer

/// The flaky-history cover, the build's family-wise bound, and the whole-build counts a caller that lists only failing
/// tests passes in (`unlistedPassed`, `unlistedSkipped`).
@Suite struct GateHistoryCoverTests {
    static func failedThrice(_ test: String) -> [TestResult] {
        (1...3).map { TestResult(test: test, attempt: $0, outcome: .failed, duration: 0.1, worker: "w\($0)", arch: .x86_64) }
    }

    func input(flakeRate: Double, history: Bool) -> GateInput {
        var input = GateInput(build: "b", commit: "c", suite: "unit", results: Self.failedThrice("t::x"), regressionRate: 1e-4)
        input.flakePosteriors = ["t::x": GateTests.knownRate(flakeRate)]
        if history { input.flakyHistory = ["t::x"] }
        return input
    }

    @Test func switchedOffAFailureOnEveryAttemptBlocks() {
        var configuration = AnalyzerConfiguration()
        configuration.flakyHistoryCoverLimit = nil
        #expect(Gate.evaluate(input(flakeRate: 0.4, history: true), configuration: configuration).verdict.verdict == .fail)
    }

    @Test func coversOnlyWhenTheHistoryExplainsTheFailures() {
        let configuration = AnalyzerConfiguration()
        // 40 %-flaky: 0.4³ = 6.4 % per build, against 1e-4 · 0.9³ for a regression: covered.
        let covered = Gate.evaluate(input(flakeRate: 0.4, history: true), configuration: configuration)
        #expect(covered.verdict.verdict == .pass)
        #expect(covered.slipProbability < 0.01)
        #expect(covered.verdict.reasons.contains { $0.contains("flaky history") })
        // 0.3 %-flaky: 2.7e-8 per build, far below 7.3e-5: a regression is likelier; it blocks.
        #expect(Gate.evaluate(input(flakeRate: 0.003, history: true), configuration: configuration).verdict.verdict == .fail)
        // No history: it blocks whatever the rate says.
        #expect(Gate.evaluate(input(flakeRate: 0.4, history: false), configuration: configuration).verdict.verdict == .fail)
    }

    /// The bound is per build: many known-flaky failures pass together while their joint risk is
    /// small, and the one test whose record explains its failures poorly blocks on its own.
    @Test func theBuildsJointRiskDecidesNotEachTestAlone() {
        var results: [TestResult] = []
        var posteriors: [String: BetaBinomial] = [:]
        for index in 0..<40 {
            results += Self.failedThrice("t::known\(index)")
            posteriors["t::known\(index)"] = GateTests.knownRate(0.5)  // P(real) ≈ 6e-4 each
        }
        results += Self.failedThrice("t::thin")
        posteriors["t::thin"] = GateTests.knownRate(0.04)  // 6.4e-5 vs 7.3e-5: P(real) ≈ 0.53
        var input = GateInput(build: "b", commit: "c", suite: "unit", results: results, regressionRate: 1e-4)
        input.flakePosteriors = posteriors
        input.quarantined = Set(posteriors.keys)
        input.unlistedPassed = 20_000
        var configuration = AnalyzerConfiguration()
        configuration.provisionalCoverLimit = 2  // only the family-wise bound decides here
        let judged = Gate.evaluate(input, configuration: configuration)
        #expect(judged.verdict.verdict == .fail)
        #expect(judged.verdict.quarantined.count == 40)
        #expect(judged.verdict.reasons.first?.hasPrefix("t::thin failed all 3 attempts") == true)
        #expect(judged.verdict.blocking == ["t::thin"], "what blocks is named; the excused ones are not")
        #expect(judged.slipProbability < configuration.buildCoverLimit)
        // A build that gave its failures confirmation runs keeps issue 5's rule: quarantine excuses.
        input.confirmationRuns = 5
        #expect(Gate.evaluate(input, configuration: configuration).verdict.verdict == .pass)
        input.confirmationRuns = 0
        // Without the thin one the build passes: forty excused failures risk 40 · 6e-4 ≈ 2.4 %.
        input.results.removeAll { $0.test == "t::thin" }
        #expect(Gate.evaluate(input, configuration: configuration).verdict.verdict == .pass)
        // …and a tighter bound blocks the likeliest-real ones first, never a person's quarantine.
        configuration.buildCoverLimit = 0.01
        input.manuallyQuarantined = ["t::known0"]
        let tight = Gate.evaluate(input, configuration: configuration)
        #expect(tight.verdict.verdict == .fail)
        #expect(tight.verdict.quarantined.contains("t::known0"))
        #expect(tight.slipProbability < 0.011, "the bound, plus the person's quarantine (5.8e-4) it never overrides")
    }

    @Test func unlistedTestsCountAndDiluteTheOutageShare() {
        var input = GateInput(build: "b", commit: "c", suite: "unit",
                              results: (0..<30).flatMap { Self.failedThrice("t::\($0)") })
        #expect(Gate.evaluate(input).outageSuspected, "30 of 30 failed")
        input.unlistedPassed = 970
        input.unlistedSkipped = 5
        let evaluation = Gate.evaluate(input)
        #expect(!evaluation.outageSuspected, "30 of 1000 failed")
        #expect(evaluation.verdict.counts.total == 1005)
        #expect(evaluation.verdict.counts.passed == 970)
        #expect(evaluation.verdict.counts.skipped == 5)
        #expect(evaluation.verdict.counts.failed == 30)
        #expect(evaluation.verdict.outageSuspected == false)
    }
}
