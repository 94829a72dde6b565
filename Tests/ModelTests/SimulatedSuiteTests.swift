import Testing
@testable import Model

@Suite struct SimulatedSuiteTests {
    @Test func parsesEveryKey() throws {
        let suite = try SimulatedSuite(parsing: "sim:2000,fail=0.01,seed=7,ms=5,flaky=0.02")
        #expect(suite.count == 2000)
        #expect(suite.seed == 7)
        #expect(suite.failFraction == 0.01)
        #expect(suite.meanMilliseconds == 5)
        #expect(suite.flakyFraction == 0.02)
        #expect(try SimulatedSuite(parsing: suite.spec) == suite)
    }

    @Test(arguments: ["sim:", "sim:x", "sim:10,fail=2", "sim:10,bogus=1", "sim:10,ms=-1", "pytest:10", "sim:10,seed"])
    func rejectsBadSpecs(_ spec: String) {
        #expect(throws: TestfleetError.self) { try SimulatedSuite(parsing: spec) }
    }

    @Test func namesRoundTripAndArePadded() {
        let suite = SimulatedSuite(count: 100)
        #expect(suite.name(of: 42) == "sim::t000042")
        #expect(SimulatedSuite.index(of: "sim::t000042") == 42)
        #expect(SimulatedSuite(count: 10_000_000).name(of: 5) == "sim::t0000005")
        #expect(SimulatedSuite.index(of: "tests/test_x.py::test_a") == nil)
    }

    @Test func sameSeedSameFailures() {
        let a = SimulatedSuite(count: 2000, seed: 7, failFraction: 0.01)
        let b = SimulatedSuite(count: 2000, seed: 7, failFraction: 0.01)
        let failingA = (0..<2000).filter(a.alwaysFails)
        #expect(failingA == (0..<2000).filter(b.alwaysFails))
        // A 1% fraction of 2000 is about 20; the binomial spread keeps it well inside 5...40.
        #expect((5...40).contains(failingA.count))
        let other = SimulatedSuite(count: 2000, seed: 8, failFraction: 0.01)
        #expect(failingA != (0..<2000).filter(other.alwaysFails))
    }

    @Test func durationsHaveTheDeclaredMean() {
        let suite = SimulatedSuite(count: 200_000, seed: 3, meanMilliseconds: 10)
        let mean = (0..<suite.count).reduce(0.0) { $0 + suite.duration(of: $1) } / Double(suite.count)
        #expect(abs(mean - 0.010) < 0.0005)
        #expect(SimulatedSuite(count: 5).duration(of: 3) == 0)
    }
}
