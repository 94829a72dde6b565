import Testing
import Model
import Planning
@testable import BenchSupport

@Suite struct SimulatedClusterTests {
    private let handCase = [4.0, 3, 3, 2].enumerated().map { TestCase(name: "t\($0.offset)", suite: 0, predicted: $0.element) }

    @Test func lptOnAHandCase() {
        // Bins {4, 2} and {3, 3}; each worker pays c = 1 once: 1 + 6 = 7.
        let outcome = SimulatedCluster(workers: [.x86_64, .x86_64], grantCost: 1).run(StaticLPTScheduling(), tests: handCase) { $0.predicted }
        #expect(outcome.makespan == 7)
        #expect(outcome.grants == 2)
        #expect(outcome.finishTimes == [7, 7])
    }

    @Test func guidedOnAHandCasePaysForItsExtraGrant() {
        // Budget max(12 / 4, 4 × 1) = 4: w0 takes {4}, w1 takes {3, 3} (8 / 4 = 2 < floor 4), then
        // w0 asks again at 5 and takes {2}: done at 5 + 1 + 2 = 8; w1 at 1 + 6 = 7.
        let outcome = SimulatedCluster(workers: [.x86_64, .x86_64], grantCost: 1).run(GuidedScheduling(), tests: handCase) { $0.predicted }
        #expect(outcome.finishTimes == [8, 7])
        #expect(outcome.makespan == 8)
        #expect(outcome.grants == 3)
    }

    @Test func actualTimesNotPredictionsDecideTheClock() {
        let tests = [TestCase(name: "a", suite: 0, predicted: 1)]
        let outcome = SimulatedCluster(workers: [.x86_64], grantCost: 0.5).run(GuidedScheduling(), tests: tests) { _ in 3 }
        #expect(outcome.makespan == 3.5)
    }

    static let strategies: [any Scheduling] = [GuidedScheduling(), StaticLPTScheduling(), RoundRobinScheduling(), LoadScheduling()]

    @Test(arguments: 0..<4)
    func everyStrategyRunsEveryTestOnceAndOnlyOnItsArch(_ index: Int) {
        var tests: [TestCase] = []
        for i in 0..<3_000 {
            let arch: Arch? = i % 10 == 0 ? .aarch64 : (i % 10 == 1 ? .x86_64 : nil)
            let predicted = Double((i * 7_919) % 1_000) / 100
            tests.append(TestCase(name: "f\(i % 7).py::t\(i)", suite: 0, predicted: predicted, arch: arch))
        }
        let workers: [Arch] = [.x86_64, .aarch64, .x86_64, .x86_64, .aarch64]
        let outcome = SimulatedCluster(workers: workers, grantCost: 0.5).run(Self.strategies[index], tests: tests) { $0.predicted * 1.1 }
        #expect(outcome.ranOn.count == tests.count)
        #expect(Set(outcome.ranOn.map { $0.test.name }).count == tests.count)
        #expect(outcome.leftOver == 0)
        #expect(outcome.ranOn.allSatisfy { $0.test.arch == nil || $0.test.arch == workers[$0.worker] })
        let work = tests.map { $0.predicted * 1.1 }.reduce(0, +)
        #expect(outcome.makespan >= work / Double(workers.count))
    }

    @Test func testsForAnAbsentArchAreLeftOverNotLost() {
        let tests = [TestCase(name: "arm", suite: 0, predicted: 1, arch: .aarch64), TestCase(name: "any", suite: 0, predicted: 1)]
        for strategy in Self.strategies {
            let outcome = SimulatedCluster(workers: [.x86_64], grantCost: 0.5).run(strategy, tests: tests) { $0.predicted }
            #expect(outcome.ranOn.map { $0.test.name } == ["any"])
            #expect(outcome.leftOver == 1)
        }
    }
}
