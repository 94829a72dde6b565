@testable import Coordinator
import Model
import Testing

/// A grant of first attempts that sort before what a worker's sessions already ran of the same
/// pytest suite goes `fresh` (`BuildState.grantsBehindOrder`); grants further down the order,
/// tests sent out of it on purpose, and other frameworks do not.
@Suite struct BorrowedOrderTests {
    static let w1: [UInt8] = Array("w1".utf8), w2: [UInt8] = Array("w2".utf8)

    /// A build of `count` tests per suite, every test at its suite's shared key unless `groupWork` says.
    func build(_ count: Int, suites: [AdapterKind] = [.pytest], groupWork: [Int: Double] = [:]) -> BuildState {
        var cases: [TestCase] = []
        for (suite, _) in suites.enumerated() {
            for n in 0..<count {
                var test = TestCase(name: "tests/test_\(suite)_\(n).py::test", suite: suite, predicted: 0.01, index: cases.count)
                test.groupWork = groupWork[cases.count] ?? 1
                cases.append(test)
            }
        }
        let planned = PlannedBuild(spec: BuildSpec(id: "b1", suite: "suite.toml"),
                                   suites: suites.enumerated().map { SuiteDefinition(name: "s\($0.offset)", adapter: $0.element, directory: "/") },
                                   tests: cases, grantCost: 1)
        return BuildState(planned: planned, now: 0)
    }

    @Test func workBorrowedFromBeforeWhatAWorkerRanIsFreshAndWorkAfterItIsNot() {
        let build = build(10)
        #expect(!build.grantsBehindOrder([5, 6, 7], to: Self.w2), "its own run")
        #expect(!build.grantsBehindOrder([8, 9], to: Self.w2), "further down the order")
        #expect(build.grantsBehindOrder([3, 4], to: Self.w2), "the other run's tail, after the session ran 9")
        // A fresh grant never reaches the session: what it ran is unchanged.
        #expect(build.grantsBehindOrder([4], to: Self.w2))
        // Each worker has its own order: w1 ran nothing past 2, so 3 and 4 are ahead of it.
        #expect(!build.grantsBehindOrder([0, 1, 2], to: Self.w1))
        #expect(!build.grantsBehindOrder([3, 4], to: Self.w1))
        #expect(build.grantsBehindOrder([2], to: Self.w1))
    }

    @Test func testsSentAheadOnPurposeCountOnNeitherSide() {
        // Test 9 is the previous build's failure (FailedFirst's key, above the shared one) and
        // test 8 a long one (its key is its own prediction): both go first, out of the order.
        let build = build(10, groupWork: [9: 7.5, 8: 0.01])
        #expect(!build.grantsBehindOrder([9, 8], to: Self.w1))
        #expect(!build.grantsBehindOrder([0, 1], to: Self.w1), "the session's order starts at its first ordered test")
        #expect(!build.grantsBehindOrder([9, 2], to: Self.w1))
        #expect(build.grantsBehindOrder([1, 9], to: Self.w1))
    }

    @Test func otherSuitesAndOtherFrameworksKeepNoOrder() {
        let build = build(4, suites: [.pytest, .pytest, .go])
        #expect(!build.grantsBehindOrder([7], to: Self.w1))
        #expect(!build.grantsBehindOrder([0], to: Self.w1), "suite 0's order is its own, whatever suite 1's reached")
        #expect(!build.grantsBehindOrder([11], to: Self.w1))
        #expect(!build.grantsBehindOrder([8], to: Self.w1), "go runs each grant as a process of its own")
    }
}
