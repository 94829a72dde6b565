import Foundation
import Testing
@testable import Analyzer

/// Hand-checked numbers for the statistical building blocks.
@Suite struct StatisticsTests {
    @Test func incompleteBetaMatchesBinomialSumByHand() {
        // I_0.5(2, 3) = P(Bin(4, 0.5) ≥ 2) = (6 + 4 + 1) / 16.
        #expect(abs(IncompleteBeta.regularized(x: 0.5, a: 2, b: 3) - 11.0 / 16.0) < 1e-12)
        // P(Bin(10, 0.1) ≥ 1) = 1 − 0.9^10.
        #expect(abs(IncompleteBeta.binomialUpperTail(atLeast: 1, trials: 10, probability: 0.1) - 0.6513215599) < 1e-9)
        #expect(IncompleteBeta.binomialUpperTail(atLeast: 0, trials: 10, probability: 0.1) == 1)
        #expect(IncompleteBeta.binomialUpperTail(atLeast: 11, trials: 10, probability: 0.1) == 0)
    }

    @Test func betaPosteriorAndIntervalByHand() {
        // Uniform prior, 0 failures in 8 attempts ⇒ Beta(1, 9); its CDF is 1 − (1 − x)^9, so the
        // 2.5 % and 97.5 % quantiles are 1 − 0.975^(1/9) and 1 − 0.025^(1/9).
        let posterior = BetaBinomial(alpha: 1, beta: 1).posterior(failures: 0, attempts: 8)
        #expect(posterior == BetaBinomial(alpha: 1, beta: 9))
        #expect(abs(posterior.mean - 0.1) < 1e-12)
        let interval = posterior.credibleInterval(level: 0.95)
        #expect(abs(interval.lowerBound - 0.0028091) < 1e-6)
        #expect(abs(interval.upperBound - 0.3362671) < 1e-6)
        // 2 failures in 10 ⇒ Beta(3, 9), mean 3/12.
        #expect(abs(BetaBinomial(alpha: 1, beta: 1).posterior(failures: 2, attempts: 10).mean - 0.25) < 1e-12)
    }

    @Test func priorByMethodOfMomentsByHand() {
        // Tests (0 of 10) and (5 of 10): μ = 0.25; Σ nᵢ(pᵢ − μ)² = 1.25; 1.25 / 0.1875 − 2 = 4.6667;
        // ρ = 4.6667 / 18 = 0.259259; α + β = 1/ρ − 1 = 2.857143; α = 0.714286, β = 2.142857.
        let prior = BetaBinomial.fitPrior(failures: [0, 5], attempts: [10, 10])
        #expect(abs(prior.alpha - 0.714286) < 1e-5)
        #expect(abs(prior.beta - 2.142857) < 1e-5)
        // No failures anywhere: the weak fallback, not a degenerate Beta(0, ∞).
        #expect(BetaBinomial.fitPrior(failures: [0, 0], attempts: [10, 10]) == BetaBinomial(alpha: 0.5, beta: 50))
    }

    /// A young store: 1,000 tests with 3 attempts each, one failure in all, so no spread shows.
    /// The moment estimate of ρ is negative; the fit must not turn that into a prior worth a
    /// million attempts, only into one worth what a typical test ran (3 attempts: α + β ≤ 3).
    @Test func aYoungStoresPriorWeighsNoMoreThanATypicalTestsRecord() {
        var failures = [Int](repeating: 0, count: 1_000)
        failures[7] = 1
        let prior = BetaBinomial.fitPrior(failures: failures, attempts: [Int](repeating: 3, count: 1_000))
        #expect(prior.alpha + prior.beta <= 3 + 1e-9)
        #expect(abs(prior.mean - 1.0 / 3_000) < 1e-9)
        // So a test that then fails 2 of its next 3 attempts is seen as flaky, not as ~0.03 %.
        #expect(prior.posterior(failures: 2, attempts: 3).mean > 0.3)
    }

    @Test func benjaminiHochbergOnATinyList() {
        // Sorted 0.005, 0.01, 0.03, 0.04 against 0.0125, 0.025, 0.0375, 0.05: the 4th passes ⇒ all.
        #expect(FalseDiscovery.benjaminiHochberg([0.01, 0.04, 0.03, 0.005], q: 0.05) == [0, 1, 2, 3])
        // 0.01, 0.04, 0.045, 0.2: only 0.01 ≤ 0.0125 holds ⇒ just index 0 (0.04 > 0.025, 0.045 > 0.0375).
        #expect(FalseDiscovery.benjaminiHochberg([0.01, 0.04, 0.045, 0.2], q: 0.05) == [0])
        #expect(FalseDiscovery.benjaminiHochberg([0.5, 0.9], q: 0.05).isEmpty)
        // Adjusted: 0.01·4/1 = 0.04; 0.04·4/2 = 0.08 → min with 0.045·4/3 = 0.06; 0.2.
        let adjusted = FalseDiscovery.adjusted([0.01, 0.04, 0.045, 0.2])
        for (value, expected) in zip(adjusted, [0.04, 0.06, 0.06, 0.2]) { #expect(abs(value - expected) < 1e-12) }
    }

    @Test func changePointOnASixBuildHistory() {
        let prior = BetaBinomial(alpha: 0.5, beta: 50)
        func history(_ pattern: [(Int, Int)]) -> [ChangePointDetector.Observation] {
            pattern.enumerated().map { ChangePointDetector.Observation(commit: Int32(10 + $0.offset), passes: $0.element.0, failures: $0.element.1) }
        }
        // P P P F F F, three failed attempts per failing build: rate outside = 0.5/53.5, and
        // (0.0093)^9 ≪ 1e-4 ⇒ broken since commit 13, last passed at 12, still broken.
        let broken = ChangePointDetector.breaks(
            in: history([(1, 0), (1, 0), (1, 0), (0, 3), (0, 3), (0, 3)]), prior: prior, likelihood: 1e-4, minimumFailures: 2)
        #expect(broken.count == 1)
        #expect(broken.first?.range == 3..<6)
        #expect(broken.first?.lastPassingCommit == 12)
        #expect(broken.first?.firstFailingCommit == 13)
        #expect(broken.first?.isOngoing == true)
        // P F F P P P: broken at 11, fixed at 13.
        let fixed = ChangePointDetector.breaks(
            in: history([(1, 0), (0, 3), (0, 3), (1, 0), (1, 0), (1, 0)]), prior: prior, likelihood: 1e-4, minimumFailures: 2)
        #expect(fixed.map(\.firstFailingCommit) == [11])
        #expect(fixed.first?.fixedAtCommit == 13)
        // Failures that pass on retry are never a break.
        let flaky = ChangePointDetector.breaks(
            in: history([(1, 0), (1, 1), (1, 0), (1, 2), (1, 0), (1, 1)]), prior: prior, likelihood: 1e-4, minimumFailures: 2)
        #expect(flaky.isEmpty)
        // A test failing half its attempts: three failures in a row are bad luck, not a break
        // (rate outside ≈ 0.5/… is high, 0.5^3 > 1e-4).
        let noisy = ChangePointDetector.breaks(
            in: history([(1, 1), (1, 1), (0, 3), (1, 1), (1, 1), (1, 1)]), prior: BetaBinomial(alpha: 1, beta: 1),
            likelihood: 1e-4, minimumFailures: 2)
        #expect(noisy.isEmpty)
    }

    @Test func repeatedOneBuildBreaksAreFlakyBursts() {
        func blip(_ commit: Int32) -> ChangePointDetector.Break {
            ChangePointDetector.Break(range: Int(commit)..<Int(commit) + 1, lastPassingCommit: commit - 1,
                                      firstFailingCommit: commit, fixedAtCommit: commit + 1, failures: 3)
        }
        #expect(ChangePointDetector.droppingRepeatedBlips([blip(5)]).count == 1)
        #expect(ChangePointDetector.droppingRepeatedBlips([blip(5), blip(9)]).isEmpty)
    }

    @Test func sequenceProbabilityIsTheExpectationOverTheRate() {
        // Beta(1, 1) is uniform: E[p (1 − p)] = 1/6.
        #expect(abs(BetaBinomial(alpha: 1, beta: 1).logSequenceProbability(failures: 1, passes: 1) - log(1.0 / 6)) < 1e-12)
        // Beta(2, 3): E[p²] = α(α + 1) / ((α + β)(α + β + 1)) = 6 / 30.
        #expect(abs(BetaBinomial(alpha: 2, beta: 3).logSequenceProbability(failures: 2, passes: 0) - log(0.2)) < 1e-12)
        #expect(BetaBinomial(alpha: 2, beta: 3).logSequenceProbability(failures: 0, passes: 0) == 0)
    }
}
