public import Model

/// The deploy gate as a pure function.
///
/// Pass only if every selected test passed, or failed only as a quarantined test or passed on
/// a retry. A non-quarantined test that failed every attempt always blocks; so does a failed
/// watermark check ("rebase required").
public enum Gate {
    /// One test's attempts in the build, folded.
    public struct TestOutcome: Sendable, Hashable {
        public var test: String
        public var attempts = 0
        public var passes = 0
        public var failures = 0
        public var lastOutcome: Outcome = .skipped

        public var failedEveryAttempt: Bool { failures > 0 && passes == 0 }
        public var passedOnRetry: Bool { failures > 0 && passes > 0 }
    }

    /// Judges one build.
    public static func evaluate(_ input: GateInput, configuration: AnalyzerConfiguration = AnalyzerConfiguration())
        -> GateEvaluation
    {
        let outcomes = fold(input.results)
        var counts = Verdict.Counts()
        var failures: [Verdict.Failure] = []
        var blocking: [TestOutcome] = [], quarantinedFailing: [String] = [], retried: [String] = []
        var letThrough: [TestOutcome] = [], historyCovered: [String] = []
        var uncovered: [String: Double] = [:]
        // Failures of every attempt that a test's record may excuse, with P(real regression) each;
        // decided together below, so the build's risk is bounded, not each test's.
        var candidates: [(outcome: TestOutcome, real: Double, history: Bool)] = []
        for outcome in outcomes {
            counts.total += 1
            if outcome.passes + outcome.failures == 0 {
                counts.skipped += 1
            } else if outcome.failures == 0 {
                counts.passed += 1
            } else if outcome.passedOnRetry {
                counts.passed += 1
                counts.flaky += 1
                retried.append(outcome.test)
                letThrough.append(outcome)
            } else {
                counts.failed += 1
                failures.append(Verdict.Failure(test: outcome.test, attempts: outcome.attempts,
                                                outcome: outcome.lastOutcome.rawValue))
                if input.manuallyQuarantined.contains(outcome.test) {
                    quarantinedFailing.append(outcome.test)
                    letThrough.append(outcome)
                } else if input.quarantined.contains(outcome.test) {
                    let real = realFailureProbability(outcome, input: input, configuration: configuration)
                    let limit = input.provisionallyQuarantined.contains(outcome.test)
                        ? configuration.provisionalCoverLimit : configuration.quarantineCoverLimit
                    if real < limit {
                        candidates.append((outcome, real, false))
                    } else {
                        blocking.append(outcome)
                        uncovered[outcome.test] = real
                    }
                } else if let limit = configuration.flakyHistoryCoverLimit, input.flakyHistory.contains(outcome.test),
                          case let real = realFailureProbability(outcome, input: input, configuration: configuration), real < limit
                {
                    candidates.append((outcome, real, true))
                } else {
                    blocking.append(outcome)
                }
            }
        }
        // Family-wise: excuse the likeliest-flaky failures first while the probability that any
        // excused one is a real regression stays below `buildCoverLimit`; the rest block. One
        // test at P(real) 0.4 blocks however it is quarantined; forty at 10⁻⁴ each do not.
        // A build with confirmation runs from the coordinator keeps issue 5's rule (quarantine
        // excuses whatever its own limits allow): a bursty test failing its confirmations too is
        // not told from a break by rate^f, and the runs already asked the code itself. Reruns
        // `gate --confirm` made do not change the rule: they went only to failures this bound (or
        // no cover at all) blocked, and one that failed every rerun as well must keep blocking.
        let bound = input.confirmationRuns > 0 ? Double.infinity : configuration.buildCoverLimit
        var noneReal = 1.0
        for candidate in candidates.sorted(by: { ($0.real, $0.outcome.test) < ($1.real, $1.outcome.test) }) {
            if 1 - noneReal * (1 - candidate.real) < bound {
                noneReal *= 1 - candidate.real
                if candidate.history { historyCovered.append(candidate.outcome.test) } else { quarantinedFailing.append(candidate.outcome.test) }
                letThrough.append(candidate.outcome)
            } else {
                blocking.append(candidate.outcome)
                uncovered[candidate.outcome.test] = candidate.real
            }
        }
        quarantinedFailing.sort()
        historyCovered.sort()
        blocking.sort { $0.test < $1.test }

        counts.total += input.unlistedPassed + input.unlistedSkipped
        counts.passed += input.unlistedPassed
        counts.skipped += input.unlistedSkipped
        var reasons: [String] = []
        if let rebase = input.rebaseRequired { reasons.append(rebase) }
        for outcome in blocking.prefix(20) {
            var reason = "\(outcome.test) failed all \(outcome.attempts) attempt\(outcome.attempts == 1 ? "" : "s")"
            if let real = uncovered[outcome.test] {
                reason += " (its flaky record does not explain this well enough: P(real failure) \(formatProbability(real)))"
            }
            reasons.append(reason)
        }
        if blocking.count > 20 { reasons.append("… and \(blocking.count - 20) more tests failed every attempt") }
        if !quarantinedFailing.isEmpty {
            reasons.append("\(quarantinedFailing.count) quarantined test(s) failed and did not block: "
                + quarantinedFailing.prefix(10).joined(separator: ", "))
        }
        if !historyCovered.isEmpty {
            reasons.append("\(historyCovered.count) test(s) with a flaky history failed every attempt and did not block "
                + "(their history explains it better than a regression): " + historyCovered.prefix(10).joined(separator: ", "))
        }
        if !retried.isEmpty {
            reasons.append("\(retried.count) test(s) passed only on retry and did not block: "
                + retried.prefix(10).joined(separator: ", "))
        }
        let ran = counts.passed + counts.failed
        let outage = configuration.isOutage(failed: counts.failed, of: ran)
        if outage {
            let percent = Int((100 * Double(counts.failed) / Double(ran)).rounded())
            reasons.append("infrastructure outage suspected: \(percent)% of tests failed every attempt; re-run the build before trusting this verdict")
        }
        let slip = slipProbability(letThrough, input: input, configuration: configuration)
        if !letThrough.isEmpty {
            reasons.append("estimated probability that a real failure slipped through: \(formatProbability(slip))")
        }
        let decision: Verdict.Decision = blocking.isEmpty && input.rebaseRequired == nil ? .pass : .fail
        let verdict = Verdict(
            build: input.build, commit: input.commit, verdict: decision, counts: counts, failures: failures,
            reasons: reasons, simulated: input.simulated, suite: input.suite, wallSeconds: input.wallSeconds,
            passedOnRetry: retried, quarantined: quarantinedFailing, slipProbability: slip,
            skippedBySelection: input.skippedBySelection, outageSuspected: outage, blocking: blocking.map(\.test))
        return GateEvaluation(verdict: verdict, slipProbability: slip, skippedBySelection: input.skippedBySelection,
                              outageSuspected: outage)
    }

    /// Folds attempts into one outcome per test, sorted by test name.
    public static func fold(_ results: [TestResult]) -> [TestOutcome] {
        var byTest: [String: TestOutcome] = [:]
        var lastAttempt: [String: Int] = [:]
        for result in results {
            var outcome = byTest[result.test] ?? TestOutcome(test: result.test)
            outcome.attempts += 1
            if result.outcome.isFailure {
                outcome.failures += 1
            } else if result.outcome == .passed || result.outcome == .xpassed || result.outcome == .xfailed {
                outcome.passes += 1
            }
            if result.attempt >= lastAttempt[result.test, default: Int.min] {
                lastAttempt[result.test] = result.attempt
                outcome.lastOutcome = result.outcome
            }
            byTest[result.test] = outcome
        }
        return byTest.values.sorted { $0.test < $1.test }
    }

    /// The probability that at least one let-through failure was a real regression.
    ///
    /// Each let-through test is weighed between two hypotheses: a real regression (prior
    /// `regressionRate`, failing each attempt with `configuration.regressionFailureRate`) or its
    /// known flakiness (rate p). With f failures and s passes in this build,
    /// P(real) = π ρ^f (1−ρ)^s / (π ρ^f (1−ρ)^s + (1−π) p^f (1−p)^s), and the tests are
    /// independent, so P(any real) = 1 − Π (1 − P(real)). p^f (1−p)^s is taken as its expectation
    /// B(a+f, b+s)/B(a, b) under the test's posterior Beta(a, b) over p (the suite prior for a
    /// test with no history): with little history the rate is uncertain, and a point estimate
    /// made a new test failing three times before passing look 97 % likely to be a regression. A pass on retry makes a regression
    /// unlikely (it needs the 10 % racy case); a quarantined test failing every attempt of a
    /// build weighs its own rate against ρ, so a 2 %-flaky test failing 3 times in a row is
    /// correctly suspicious.
    public static func slipProbability(_ letThrough: [TestOutcome], input: GateInput,
                                       configuration: AnalyzerConfiguration) -> Double
    {
        var noneReal = 1.0
        for outcome in letThrough { noneReal *= 1 - realFailureProbability(outcome, input: input, configuration: configuration) }
        return 1 - noneReal
    }

    /// P(real regression | this test's attempts in the build), the two-hypothesis weighing
    /// described at `slipProbability`. Also decides whether quarantine covers a test that failed
    /// every attempt: it does when its known flakiness explains the failures
    /// (P(real) < `configuration.quarantineCoverLimit`).
    public static func realFailureProbability(_ outcome: TestOutcome, input: GateInput,
                                              configuration: AnalyzerConfiguration) -> Double
    {
        let prior = min(max(input.regressionRate, 1e-9), 0.5)
        let rho = min(max(configuration.regressionFailureRate, 1e-6), 1 - 1e-6)
        let f = Double(outcome.failures), s = Double(outcome.passes)
        let logReal = log(prior) + f * log(rho) + s * log(1 - rho)
        let posterior = input.flakePosteriors[outcome.test] ?? input.unknownTestPrior
        var logFlaky = log(1 - prior) + posterior.logSequenceProbability(failures: outcome.failures, passes: outcome.passes)
        if s == 0, let observed = input.allFailedBuildRates[outcome.test], observed > 0 {
            // Failures that cluster (bursty tests) fail whole builds more often than rate^f.
            logFlaky = max(logFlaky, log(1 - prior) + log(observed))
        }
        return 1 / (1 + exp(logFlaky - logReal))
    }

    static func formatProbability(_ value: Double) -> String {
        if value < 1e-6 { return "< 0.0001%" }
        let percent = value * 100
        return percent >= 1 ? "\(Int(percent.rounded()))%" : "\((percent * 10_000).rounded() / 10_000)%"
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
