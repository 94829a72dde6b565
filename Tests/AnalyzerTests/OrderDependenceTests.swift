import Foundation
import Testing
import Model
import Store
@testable import Analyzer

/// The order-dependence rule (`OrderDependenceRule`) on hand-made observations, and end to end
/// from places stored in a real SQLite store through `FlakyAnalyzer.analyze(store:)` and the
/// reports.
@Suite struct OrderDependenceTests {

    /// Test names as the rule's ids (their order decides ties on distance, like history ids).
    static let names = ["a", "b", "x", "far", "near"] + (0..<10).map { "t\($0)" }

    func id(_ name: String) -> Int32 { Int32(Self.names.firstIndex(of: name)!) }

    /// A run of the test with `before` (nearest last) ahead of it in its process.
    func run(_ failed: Bool, after before: [String]) -> OrderObservation {
        OrderObservation(failed: failed, before: Dictionary(uniqueKeysWithValues: before.reversed().enumerated().map { (id($1), $0 + 1) }))
    }

    /// The judgement, with the dependency's name.
    func judge(_ observations: [OrderObservation], _ rule: OrderDependenceRule = OrderDependenceRule()) -> OrderDependency? {
        rule.judge(observations).map { $0.named(Self.names[Int($0.dependsOn)]) }
    }

    @Test func namesTheTestEveryFailureCameAfter() throws {
        // Five warm runs: `a` ran before and the test failed; five fresh retries alone passed.
        let observations = (0..<5).map { _ in run(true, after: ["x", "a"]) } + (0..<5).map { _ in run(false, after: []) }
            + [run(false, after: ["x"])]
        let found = try #require(judge(observations))
        #expect(found.dependsOn == "a", "x also ran before a pass, a never did")
        #expect(found.failuresAfter == 5 && found.passesAfter == 0 && found.passesWithout == 6)
        #expect(found.equallySupported == 0)
        #expect(abs(found.pValue - 1.0 / 462) < 1e-12)
    }

    @Test func fisherBoundMatchesTheHypergeometricCount() {
        #expect(abs(OrderDependenceRule.fisherAllAfter(failures: 5, passesAfter: 0, passesWithout: 5) - 1.0 / 252) < 1e-12)
        #expect(abs(OrderDependenceRule.fisherAllAfter(failures: 4, passesAfter: 0, passesWithout: 4) - 1.0 / 70) < 1e-12)
        // C(5, 3) / C(8, 3) = 10 / 56.
        #expect(abs(OrderDependenceRule.fisherAllAfter(failures: 3, passesAfter: 2, passesWithout: 3) - 10.0 / 56) < 1e-12)
    }

    @Test func neverFromTooFewObservations() {
        // Two failures after `a`, however many clean retries: below the minimum of three.
        #expect(judge([run(true, after: ["a"]), run(true, after: ["a"])] + (0..<20).map { _ in run(false, after: []) }) == nil)
        // Four failures and four fresh passes: p = 1/70, not significant at 1%.
        #expect(judge((0..<4).map { _ in run(true, after: ["a"]) } + (0..<4).map { _ in run(false, after: []) }) == nil)
        // No pass without `a` before: nothing separates "after a" from "in any process".
        #expect(judge((0..<8).map { _ in run(true, after: ["a"]) } + (0..<8).map { _ in run(false, after: ["a"]) }) == nil)
    }

    @Test func oneFailureWithoutTheCandidateRefutesIt() {
        let observations = (0..<8).map { _ in run(true, after: ["a"]) } + [run(true, after: [])]
            + (0..<8).map { _ in run(false, after: []) }
        #expect(judge(observations) == nil)
    }

    @Test func randomFlakinessIsNotNamed() {
        // A test failing at random a third of the time, whatever ran before it, over 60 builds:
        // first attempts in a warm process after `a` and `b`, retries of failures alone.
        var random = Draws(seed: 7)
        var observations: [OrderObservation] = []
        for _ in 0..<60 {
            let failed = random.nextDouble() < 1.0 / 3
            observations.append(run(failed, after: ["a", "b"]))
            if failed { observations.append(run(random.nextDouble() < 1.0 / 3, after: [])) }
        }
        #expect(observations.filter(\.failed).count >= 3)
        #expect(judge(observations) == nil)
    }

    @Test func tiesNameTheNearestAndCountTheOthers() throws {
        let observations = (0..<6).map { _ in run(true, after: ["far", "near"]) } + (0..<6).map { _ in run(false, after: []) }
        let found = try #require(judge(observations))
        #expect(found.dependsOn == "near")
        #expect(found.equallySupported == 1)
        #expect(FlakyReport.orderEvidence(found).contains("1 other test ran before it just as often"))
    }

    @Test func aDependencyTheRunsCannotSingleOutIsNotNamed() {
        // Fails in every long process, passes alone: any of the ten tests before it could be it.
        let before = (0..<10).map { "t\($0)" }
        let observations = (0..<8).map { _ in run(true, after: before) } + (0..<8).map { _ in run(false, after: []) }
        #expect(judge(observations) == nil)
        #expect(judge(observations, OrderDependenceRule(maximumTies: 9))?.dependsOn == "t9")
        // A pass after t0..t7 (but not t8, t9) leaves two: named, with the tie said.
        let found = judge(observations + [run(false, after: Array(before.prefix(8)))])
        #expect(found?.dependsOn == "t9" && found?.equallySupported == 1)
    }

    // MARK: through a store

    @Test func fromStoredPlacesToTheFlakyReport() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-order-\(UUID().uuidString)").path
        let store = try Store(path: directory + "/s.db")
        func attempt(_ test: String, _ number: Int, _ outcome: Outcome, _ place: RunPlace) -> TestResult {
            TestResult(test: test, attempt: number, outcome: outcome, duration: 0.01, worker: "w", arch: .x86_64, place: place)
        }
        var random = Draws(seed: 11)
        for index in 0..<8 {
            let id = "b\(index)"
            try store.createBuild(BuildSpec(id: id, suite: "py", commit: "c\(index)", branch: "main", maxAttempts: 2), testCount: 12)
            // One warm process per build: ten quiet tests, the polluter, the victim, a coin.
            let warm = RunPlace.newProcess(), fresh = RunPlace.newProcess()
            var results = (0..<10).map { attempt("t::ok\($0)", 1, .passed, RunPlace(process: warm, position: $0)) }
            // The last two builds ran the victim's module first: after the quiet tests, it passed.
            let pollutedFirst = index >= 6
            results.append(attempt("t::pollutes", 1, .passed, RunPlace(process: warm, position: pollutedFirst ? 11 : 10)))
            results.append(attempt("t::polluted", 1, pollutedFirst ? .passed : .failed,
                                   RunPlace(process: warm, position: pollutedFirst ? 10 : 11)))
            let coin = random.nextDouble() < 0.4
            results.append(attempt("t::coin", 1, coin ? .failed : .passed, RunPlace(process: warm, position: 12)))
            // The retries run in a fresh process.
            if !pollutedFirst { results.append(attempt("t::polluted", 2, .passed, RunPlace(process: fresh, position: 0))) }
            if coin {
                results.append(attempt("t::coin", 2, random.nextDouble() < 0.4 ? .failed : .passed, RunPlace(process: fresh, position: 1)))
            }
            try store.recordResults(build: id, results)
            try store.finishBuild(id, verdict: .pass)
        }
        #expect(try store.hasPlaces())
        let (history, analysis) = try FlakyAnalyzer.analyze(store: store)
        let polluted = try #require(analysis.tests.first { $0.name == "t::polluted" })
        #expect(polluted.orderDependency?.dependsOn == "t::pollutes")
        #expect(polluted.orderDependency?.failuresAfter == 6 && polluted.orderDependency?.passesWithout == 8)
        #expect(polluted.orderDependency?.passesAfter == 0 && polluted.orderDependency?.equallySupported == 0)
        #expect(analysis.tests.first { $0.name == "t::coin" }?.orderDependency == nil)
        #expect(analysis.tests.filter { $0.orderDependency != nil }.map(\.name) == ["t::polluted"])

        let json = FlakyReport.json(analysis)
        #expect(json.contains("\"test\": \"t::polluted\", \"state\": \"\(polluted.state.rawValue)\""))
        #expect(json.contains("\"order_dependent\": true, \"depends_on\": \"t::pollutes\"}"))
        #expect(FlakyReport.evidence(polluted).hasPrefix("order-dependent: fails only after t::pollutes ran before it"))
        #expect(MarkdownReport.render(analysis).contains("order-dependent"))
        let html = FlakySection.html(analysis, history: history)
        #expect(html.contains("data-test=\"t::polluted\" data-state=\"\(polluted.state.rawValue)\" data-depends-on=\"t::pollutes\""))
        #expect(html.contains("\(polluted.state.rawValue), order-dependent"))
    }
}

/// Reproducible uniform draws for the tests above.
private struct Draws {
    let seed: UInt64
    var index: UInt64 = 0
    init(seed: UInt64) { self.seed = seed }
    mutating func nextDouble() -> Double {
        index += 1
        return SeededRandom.unit(seed: seed, index: index, stream: 0)
    }
}
