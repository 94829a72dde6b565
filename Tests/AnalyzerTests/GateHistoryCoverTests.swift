import Model
import Testing
@testable import Analyzer

/// The opt-in flaky-history cover and the whole-build counts a caller that lists only failing
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

    @Test func offByDefaultAFailureOnEveryAttemptBlocks() {
        #expect(Gate.evaluate(input(flakeRate: 0.4, history: true)).verdict.verdict == .fail)
    }

    @Test func coversOnlyWhenTheHistoryExplainsTheFailures() {
        var configuration = AnalyzerConfiguration()
        configuration.flakyHistoryCoverLimit = 0.5
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
