import Foundation
import Model
import Testing
@testable import Adapters

@Suite struct SimulatedAdapterTests {
    @Test func seededFailuresMatchTheSuiteAndOnlyFailuresHaveOutput() throws {
        let simulated = SimulatedSuite(count: 2000, seed: 7, failFraction: 0.01)
        let definition = SuiteDefinition.simulated(simulated)
        let names = try SimulatedAdapter().inventory(of: definition)
        #expect(names == simulated.names)
        var failed: [String] = []
        var reported = 0
        SimulatedAdapter().run(names, of: definition, attempt: 1) { result in
            reported += 1
            if result.outcome == .failed {
                failed.append(result.name)
                #expect(String(decoding: result.output, as: UTF8.self).hasPrefix("simulated failure of \(result.name)"))
            } else {
                #expect(result.outcome == .passed)
                #expect(result.output.isEmpty)
            }
        }
        #expect(reported == 2000)
        let expected = (0..<2000).filter(simulated.alwaysFails).map(simulated.name(of:))
        #expect(!expected.isEmpty)
        #expect(failed == expected)
    }

    @Test func flakyTestsFailAboutHalfTheTime() {
        let simulated = SimulatedSuite(count: 400, seed: 3, flakyFraction: 1)
        let definition = SuiteDefinition.simulated(simulated)
        var failures = 0
        for attempt in 1...10 {
            SimulatedAdapter().run(simulated.names, of: definition, attempt: attempt) {
                if $0.outcome == .failed { failures += 1 }
            }
        }
        // 4000 fair coin flips: 2000 ± 4.5σ (σ ≈ 31.6).
        #expect(abs(failures - 2000) < 150, "\(failures) failures of 4000 flaky attempts")
    }

    @Test func sleepsTheDeclaredDuration() {
        let simulated = SimulatedSuite(count: 5, seed: 1, meanMilliseconds: 20)
        let declared = (0..<5).map(simulated.duration(of:)).reduce(0, +)
        let started = ProcessRunner.now()
        var reportedTotal = 0.0
        SimulatedAdapter().run(simulated.names, of: .simulated(simulated), attempt: 1) { reportedTotal += $0.duration }
        let elapsed = ProcessRunner.now() - started
        #expect(abs(reportedTotal - declared) < 1e-9)
        #expect(elapsed >= declared * 0.95)
    }

    @Test func foreignNamesAreErrors() {
        let definition = SuiteDefinition.simulated(SimulatedSuite(count: 10))
        var outcomes: [String: Outcome] = [:]
        SimulatedAdapter().run(["sim::t000010", "tests/test_a.py::test_x", "sim::t000003"], of: definition, attempt: 1) {
            outcomes[$0.name] = $0.outcome
        }
        #expect(outcomes == ["sim::t000010": .error, "tests/test_a.py::test_x": .error, "sim::t000003": .passed])
    }

    /// Every one of 100,000 no-op tests is reported once (speed is measured in the benchmarks,
    /// bench/RESULTS.md, not asserted here).
    @Test func hundredThousandNoOpTestsAreEachReportedOnce() {
        let simulated = SimulatedSuite(count: 100_000, seed: 1)
        let definition = SuiteDefinition.simulated(simulated)
        let names = simulated.names
        var passed = 0
        var seen = Set<String>()
        SimulatedAdapter().run(names, of: definition, attempt: 1) {
            if $0.outcome == .passed { passed += 1 }
            seen.insert($0.name)
        }
        #expect(passed == 100_000)
        #expect(seen.count == 100_000)
    }
}
