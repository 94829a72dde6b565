import Model
import Testing
@testable import Analyzer

@Suite struct GateTests {
    static func attempt(_ test: String, _ attempt: Int, _ outcome: Outcome) -> TestResult {
        TestResult(test: test, attempt: attempt, outcome: outcome, duration: 0.1, worker: "w\(attempt)", arch: .x86_64)
    }

    /// A posterior so sharp (a million attempts' worth) that its sequence probability is
    /// rate^f (1 − rate)^s to within a millionth: a test whose flake rate is known.
    static func knownRate(_ rate: Double) -> BetaBinomial {
        BetaBinomial(alpha: rate * 1e6, beta: (1 - rate) * 1e6)
    }

    static let passing = [attempt("t::a", 1, .passed), attempt("t::b", 1, .passed), attempt("t::skip", 1, .skipped)]

    @Test func allPassedPasses() {
        let evaluation = Gate.evaluate(GateInput(build: "b1", commit: "c1", suite: "unit", results: Self.passing))
        #expect(evaluation.verdict.verdict == .pass)
        #expect(evaluation.verdict.counts.total == 3)
        #expect(evaluation.verdict.counts.passed == 2)
        #expect(evaluation.verdict.counts.skipped == 1)
        #expect(evaluation.verdict.reasons.isEmpty)
        #expect(evaluation.slipProbability == 0)
    }

    @Test func quarantinedFailureDoesNotBlockButIsListed() {
        let results = Self.passing + (1...3).map { Self.attempt("t::q", $0, .failed) }
        var input = GateInput(build: "b1", commit: "c1", suite: "unit", results: results, quarantined: ["t::q"],
                              regressionRate: 0.001)
        input.flakePosteriors = ["t::q": Self.knownRate(0.5)]
        let evaluation = Gate.evaluate(input)
        #expect(evaluation.verdict.verdict == .pass)
        #expect(evaluation.verdict.quarantined == ["t::q"])
        #expect(evaluation.verdict.failures == [Verdict.Failure(test: "t::q", attempts: 3, outcome: "failed")])
        #expect(evaluation.verdict.counts.failed == 1)
        // π ρ³ / (π ρ³ + (1 − π) p³) = 0.001·0.729 / (0.001·0.729 + 0.999·0.125) = 0.0058040.
        #expect(abs(evaluation.slipProbability - 0.0058040) < 1e-6)
        #expect(evaluation.verdict.reasons.contains { $0.contains("quarantined") })
    }

    @Test func passOnRetryDoesNotBlock() {
        let results = Self.passing + [Self.attempt("t::r", 1, .failed), Self.attempt("t::r", 2, .passed)]
        var input = GateInput(build: "b1", commit: "c1", suite: "unit", results: results, regressionRate: 0.001)
        input.flakePosteriors = ["t::r": Self.knownRate(0.1)]
        let evaluation = Gate.evaluate(input)
        #expect(evaluation.verdict.verdict == .pass)
        #expect(evaluation.verdict.passedOnRetry == ["t::r"])
        #expect(evaluation.verdict.counts.flaky == 1)
        #expect(evaluation.verdict.counts.passed == 3)
        // Fail-then-pass is equally likely (0.09) under "regression at ρ = 0.9" and "flaky at
        // 0.1", so the posterior equals the prior, 0.001 (to the millionth `knownRate` leaves).
        #expect(abs(evaluation.slipProbability - 0.001) < 1e-8)
    }

    @Test func aNewTestsRateIsWeighedWithItsUncertainty() {
        let results = Self.passing + [Self.attempt("t::n", 1, .failed), Self.attempt("t::n", 2, .failed),
                                      Self.attempt("t::n", 3, .failed), Self.attempt("t::n", 4, .passed)]
        var input = GateInput(build: "b1", commit: "c1", suite: "unit", results: results, regressionRate: 1e-4)
        input.unknownTestPrior = BetaBinomial(alpha: 0.5, beta: 50)
        let evaluation = Gate.evaluate(input)
        #expect(evaluation.verdict.verdict == .pass)
        // E[p³(1 − p)] under Beta(0.5, 50) = B(3.5, 51) / B(0.5, 50) = 1.28339e-5, so
        // P(real) = 1e-4·0.9³·0.1 / (1e-4·0.9³·0.1 + 0.9999·1.28339e-5) = 0.3622784 (the prior's
        // mean cubed, 0.0099³·0.99, would say 0.88).
        #expect(abs(evaluation.slipProbability - 0.3622784) < 1e-6)
    }

    @Test func failureOnEveryAttemptBlocksEvenWhenKnownFlaky() {
        let results = Self.passing + (1...3).map { Self.attempt("t::x", $0, $0 == 3 ? .error : .failed) }
        var input = GateInput(build: "b1", commit: "c1", suite: "unit", results: results)
        input.flakePosteriors = ["t::x": Self.knownRate(0.3)]
        let evaluation = Gate.evaluate(input)
        #expect(evaluation.verdict.verdict == .fail)
        #expect(evaluation.verdict.failures == [Verdict.Failure(test: "t::x", attempts: 3, outcome: "error")])
        #expect(evaluation.verdict.reasons.first == "t::x failed all 3 attempts")
    }

    @Test func rebaseRequiredFailsAnOtherwiseGreenBuild() {
        let reason = "rebase required: base commit c is older than e, the newest commit that changed WATERMARK"
        let evaluation = Gate.evaluate(GateInput(build: "b1", commit: "c", suite: "unit", results: Self.passing,
                                                 rebaseRequired: reason))
        #expect(evaluation.verdict.verdict == .fail)
        #expect(evaluation.verdict.reasons == [reason])
    }

    @Test func mostTestsFailingIsCalledAnOutage() {
        let results = (0..<30).map { Self.attempt("t::\($0)", 1, $0 < 20 ? .failed : .passed) }
        let evaluation = Gate.evaluate(GateInput(build: "b1", commit: "c1", suite: "unit", results: results))
        #expect(evaluation.verdict.verdict == .fail)
        #expect(evaluation.outageSuspected)
        #expect(evaluation.verdict.reasons.contains { $0.hasPrefix("infrastructure outage suspected: 67%") })
    }

    @Test func latestGreenIsTheNewestPassingCommitOnTheBranch() {
        let builds = [
            HistoryBuild(index: 0, id: "b0", commit: 0, sha: "a", branch: "main", verdict: .pass),
            HistoryBuild(index: 1, id: "b1", commit: 2, sha: "c", branch: "main", verdict: .fail),
            HistoryBuild(index: 2, id: "b2", commit: 1, sha: "b", branch: "main", verdict: .pass),
            HistoryBuild(index: 3, id: "b3", commit: 3, sha: "d", branch: "feature", verdict: .pass),
            HistoryBuild(index: 4, id: "b4", commit: 2, sha: "c", branch: "main", verdict: nil),
        ]
        #expect(CommitOrder.latestGreen(builds, branch: "main")?.sha == "b")
        #expect(CommitOrder.latestGreen(builds, branch: "feature")?.sha == "d")
        #expect(CommitOrder.latestGreen(builds, branch: "nope") == nil)
    }
}

@Suite struct GateCoverLimitTests {
    static func input(_ results: [TestResult], manual: Bool = false, allFailedBuildRate: Double? = nil) -> GateInput {
        var input = GateInput(build: "b", commit: nil, suite: "u", results: results, quarantined: ["t::low"],
                              manuallyQuarantined: manual ? ["t::low"] : [], regressionRate: 1e-4)
        input.flakePosteriors = ["t::low": GateTests.knownRate(0.01)]
        if let allFailedBuildRate { input.allFailedBuildRates = ["t::low": allFailedBuildRate] }
        return input
    }

    @Test func aCoverLimitBlocksAQuarantinedTestItsRateCannotExplain() {
        let results = (1...3).map { GateTests.attempt("t::low", $0, .failed) }
        var configuration = AnalyzerConfiguration()
        // By default quarantine covers any failure, but the build's family-wise bound does not:
        // P(real) ≈ 0.986 alone exceeds it.
        #expect(Gate.evaluate(Self.input(results), configuration: configuration).verdict.verdict == .fail)
        configuration.buildCoverLimit = 2
        #expect(Gate.evaluate(Self.input(results), configuration: configuration).verdict.verdict == .pass)
        configuration.quarantineCoverLimit = 0.5
        // π ρ³ = 1e-4 · 0.729 against (1 − π) · 0.01³ ≈ 1e-6: P(real) ≈ 0.986 ⇒ blocks.
        let strict = Gate.evaluate(Self.input(results), configuration: configuration)
        #expect(strict.verdict.verdict == .fail)
        #expect(strict.verdict.reasons.first?.contains("P(real failure) 99%") == true)
        // A person's quarantine is never second-guessed.
        #expect(Gate.evaluate(Self.input(results, manual: true), configuration: configuration).verdict.verdict == .pass)
        // A bursty test that failed whole builds before is covered by that record, not by rate³.
        let bursty = Gate.evaluate(Self.input(results, allFailedBuildRate: 0.03), configuration: configuration)
        #expect(bursty.verdict.verdict == .pass)
    }
}
