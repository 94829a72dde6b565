import Model
import Testing
@testable import Analyzer

/// A test flagged flaky that fails every attempt in two builds in a row: change-point detection
/// reads a break, and the gate weighs it against the test's record instead of blocking outright.
@Suite struct GateShortBreakTests {
    /// 60 main builds; `t::flaky` fails then passes on retry in every sixth build (same-commit
    /// evidence, flagged flaky); then `allFailed` builds in which it fails all three attempts.
    /// Twenty stable tests beside it; `t::new` (no record) fails all attempts in the last build.
    static func history(allFailed: Int) -> AttemptHistory {
        var builder = AttemptHistory.Builder()
        for number in 0..<(60 + allFailed) {
            let build = builder.build(id: "b\(number)", commit: "c\(number)")
            AnalyzerHistoryTests.addStable(&builder, build: build)
            if number >= 60 {
                for attempt in 1...3 { builder.attempt("t::flaky", build: build, attempt: attempt, outcome: .failed, worker: "w1") }
            } else if number % 6 == 0 {
                builder.attempt("t::flaky", build: build, attempt: 1, outcome: .failed, worker: "w1")
                builder.attempt("t::flaky", build: build, attempt: 2, outcome: .passed, worker: "w1")
            } else {
                builder.attempt("t::flaky", build: build, attempt: 1, outcome: .passed, worker: "w1")
            }
        }
        return builder.history
    }

    static func gate(_ history: AttemptHistory, failing: [String]) -> Verdict {
        let analysis = FlakyAnalyzer.analyze(history)
        let results = failing.flatMap { test in
            (1...3).map { TestResult(test: test, attempt: $0, outcome: .failed, duration: 0.1, worker: "w1", arch: .x86_64) }
        }
        var input = GateInput(build: "last", commit: "c", suite: "unit", results: results)
        input.addHistory(analysis.tests.filter { failing.contains($0.name) }, prior: analysis.prior,
                         regressionRate: analysis.regressionRate)
        return Gate.evaluate(input).verdict
    }

    @Test func twoAllFailedBuildsOfAFlaggedTestAreJudgedFromItsRecord() throws {
        let history = Self.history(allFailed: 2)
        let flaky = try #require(FlakyAnalyzer.analyze(history).tests.first { $0.name == "t::flaky" })
        #expect(flaky.state == .broken, "change-point detection reads the two builds as a break")
        #expect(flaky.flagged)
        let verdict = Self.gate(history, failing: ["t::flaky"])
        #expect(verdict.verdict == .pass)
        #expect(verdict.quarantined == ["t::flaky"])
    }

    @Test func aLongerBreakAndATestWithoutRecordStillBlock() {
        #expect(Self.gate(Self.history(allFailed: 3), failing: ["t::flaky"]).verdict == .fail)
        #expect(Self.gate(Self.history(allFailed: 2), failing: ["t::new"]).verdict == .fail)
    }
}
