/// A Beta(α, β) distribution over a test's per-attempt flake rate, with the conjugate update
/// for k flaky failures in n attempts.
public struct BetaBinomial: Sendable, Hashable {
    public var alpha: Double
    public var beta: Double

    public init(alpha: Double, beta: Double) {
        self.alpha = alpha
        self.beta = beta
    }

    public var mean: Double { alpha / (alpha + beta) }

    /// The prior before a suite has the history to fit one (`fitPrior`): mean ≈ 1 %, and weak
    /// (worth ~50 attempts), so a test's own record soon outweighs it.
    public static let weakPrior = BetaBinomial(alpha: 0.5, beta: 50)

    /// The posterior after `failures` failures in `attempts` attempts: Beta(α + k, β + n − k).
    public func posterior(failures: Int, attempts: Int) -> BetaBinomial {
        BetaBinomial(alpha: alpha + Double(failures), beta: beta + Double(max(attempts - failures, 0)))
    }

    /// The log-probability of one particular sequence of `failures` failed and `passes` passed
    /// attempts when the rate is drawn from this distribution: log E[p^f (1 − p)^s] =
    /// log B(α + f, β + s) − log B(α, β). Unlike plugging in the mean, it keeps the rate's
    /// uncertainty: a test with little history that fails three times in a row is far likelier
    /// to be a highly flaky test than mean³ says.
    public func logSequenceProbability(failures: Int, passes: Int) -> Double {
        Self.logBeta(alpha + Double(failures), beta + Double(passes)) - Self.logBeta(alpha, beta)
    }

    static func logBeta(_ a: Double, _ b: Double) -> Double { lgamma(a) + lgamma(b) - lgamma(a + b) }

    /// The equal-tailed credible interval holding `level` of the mass (0.95 ⇒ 2.5 % and 97.5 %).
    public func credibleInterval(level: Double = 0.95) -> ClosedRange<Double> {
        let tail = (1 - level) / 2
        let low = IncompleteBeta.quantile(tail, a: alpha, b: beta)
        let high = IncompleteBeta.quantile(1 - tail, a: alpha, b: beta)
        return low...max(low, high)
    }

    /// Fits the suite-wide prior by the method of moments over per-test (failures, attempts).
    ///
    /// Why moments and not full empirical Bayes: the fit runs on every analysis over up to
    /// 100,000 tests and must be closed-form and stable; with hundreds of attempts per test the
    /// moment estimate is close to the marginal-likelihood one, and the prior only shrinks the
    /// estimate of tests with little history. The estimator weights each test by its attempts:
    /// μ = Σk / Σn; for a Beta-binomial, E[Σ nᵢ(pᵢ − μ)²] ≈ μ(1 − μ)(T + ρ Σ(nᵢ − 1)) with
    /// ρ = 1/(α + β + 1), which gives ρ and then α + β = 1/ρ − 1. ρ is clamped so that a suite
    /// with no failures (or with no spread) still gives a proper, weak prior.
    public static func fitPrior(failures: [Int], attempts: [Int], fallback: BetaBinomial = .weakPrior)
        -> BetaBinomial
    {
        var totalFailures = 0.0, totalAttempts = 0.0, tests = 0.0, excess = 0.0
        for index in failures.indices where attempts[index] > 0 {
            totalFailures += Double(failures[index])
            totalAttempts += Double(attempts[index])
            tests += 1
            excess += Double(attempts[index] - 1)
        }
        guard totalAttempts > 0, totalFailures > 0, tests >= 2, excess > 0 else { return fallback }
        let mu = totalFailures / totalAttempts
        var spread = 0.0
        for index in failures.indices where attempts[index] > 0 {
            let n = Double(attempts[index])
            let deviation = Double(failures[index]) / n - mu
            spread += n * deviation * deviation
        }
        // ρ no lower than 1/(1 + mean attempts per test): the prior never weighs more than a
        // typical test's own record. Without this floor a young store (a few attempts per test,
        // too few to show the spread) fitted a prior worth a million attempts at the suite mean,
        // so a 50 %-flaky test's thin record could not move its rate off ~0.3 % and its first
        // failure of every attempt read as a certain regression (branch-gate-eval, seed 2).
        let floor = max(1e-6, 1 / (1 + totalAttempts / tests))
        let rho = min(max((spread / (mu * (1 - mu)) - tests) / excess, floor), 0.5)
        let concentration = 1 / rho - 1
        return BetaBinomial(alpha: mu * concentration, beta: (1 - mu) * concentration)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
