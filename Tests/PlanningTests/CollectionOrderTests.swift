import Testing
import Model
@testable import Planning

@Suite struct CollectionOrderTests {
    private func test(_ name: String, _ seconds: Double, suite: Int = 0) -> TestCase {
        TestCase(name: name, suite: suite, predicted: seconds)
    }

    @Test func aSuiteKeepsItsGivenOrderUnderTheSuitesTotal() {
        let tests = [test("b.py::y", 1), test("a.py::x", 1), test("a.py::z", 2), test("c.py::w", 0.5, suite: 1),
                     test("b.py::v", 1)]
        let arranged = CollectionOrder.arrange(tests, suites: [0])
        // Nothing moves; suite 1 is left alone.
        #expect(arranged.map(\.name) == tests.map(\.name))
        let key = 5.0 / 16
        #expect(arranged.map(\.groupWork) == [key, key, key, 0, key])
        #expect(arranged.map(\.queueKey) == [key, key, key, 0.5, key])
    }

    @Test func theQueueHandsOutContiguousRunsInCollectionOrderWhileBudgetsCountEachTest() {
        // The order a suite that depends on it needs: small.py's tests run before big.py's.
        let tests = [test("small.py::a", 0.1), test("small.py::b", 0.1), test("big.py::slow", 0.9),
                     test("big.py::fast", 0.2), test("mid.py::only", 0.8)]
        var queue = PendingQueue()
        queue.add(CollectionOrder.arrange(tests, suites: [0]))
        #expect(queue.predictedWork == 2.1)
        #expect(queue.pop(for: .x86_64, maxCount: 10, workBudget: 1).map(\.name) == ["small.py::a", "small.py::b", "big.py::slow"])
        #expect(queue.pop(for: .x86_64, maxCount: 10, workBudget: 100).map(\.name) == ["big.py::fast", "mid.py::only"])
    }

    @Test func aFilesLoadingCostGoesOnItsFirstTest() {
        let arranged = CollectionOrder.arrange([test("a.py::x", 1), test("a.py::y", 2), test("b.py::z", 0.5)], suites: [0],
                                               fileOverhead: 0.25)
        #expect(arranged.map(\.predicted) == [1.25, 2, 0.75])
        #expect(arranged.map(\.groupWork) == [0.25, 0.25, 0.25])
    }

    @Test func aTestLongEnoughToStretchTheBuildGoesFirstLongestFirst() {
        // 32 s in all: a test of 2 s (1/16) or more goes first; 1.5 s stays in its place.
        var tests = (0..<20).map { test("m.py::t\($0)", 0.5) }
        tests.insert(test("r.py::primes", 12), at: 15)
        tests.insert(test("r.py::sieve", 8.5), at: 5)
        tests.insert(test("m.py::slowish", 1.5), at: 3)
        let arranged = CollectionOrder.arrange(tests, suites: [0], soloSeconds: 1)
        var queue = PendingQueue()
        queue.add(arranged)
        #expect(queue.pop(for: .x86_64, maxCount: 10, workBudget: 1).map(\.name) == ["r.py::primes"])
        #expect(queue.pop(for: .x86_64, maxCount: 10, workBudget: 1).map(\.name) == ["r.py::sieve"])
        #expect(queue.pop(for: .x86_64, maxCount: 5, workBudget: 100).map(\.name)
                == ["m.py::t0", "m.py::t1", "m.py::t2", "m.py::slowish", "m.py::t3"])
    }

    @Test func aLongTestTakesTheRestOfItsClassWithItInTheirOrder() {
        // lark's TestPythonParser: its first test builds a grammar the others reuse. 8 s in all.
        var tests = (0..<12).map { test("m.py::test_\($0)", 0.5) }
        tests += [test("p.py::TestParser::test_bin", 1.5), test("p.py::TestParser::test_dec", 0.01),
                  test("p.py::TestParser::test_hex[0x1]", 0.01), test("p.py::TestOther::test_x", 0.48)]
        let arranged = CollectionOrder.arrange(tests, suites: [0], soloSeconds: 1)
        #expect(arranged.suffix(4).map(\.groupWork) == [1.5, 1.5, 1.5, 8.0 / 16])
        var queue = PendingQueue()
        queue.add(arranged)
        // The class goes out first, in its order.
        #expect(queue.pop(for: .x86_64, maxCount: 3, workBudget: 100).map(\.name)
                == ["p.py::TestParser::test_bin", "p.py::TestParser::test_dec", "p.py::TestParser::test_hex[0x1]"])
        #expect(queue.pop(for: .x86_64, maxCount: 1, workBudget: 1).map(\.name) == ["m.py::test_0"])
        // A grant the budget cut after the long test takes the rest of its class on request.
        var cut = PendingQueue()
        cut.add(arranged)
        let head = cut.pop(for: .x86_64, maxCount: 10, workBudget: 0.1)
        #expect(head.map(\.name) == ["p.py::TestParser::test_bin"])
        #expect(cut.popRest(ofUnitOf: head[0]).map(\.name) == ["p.py::TestParser::test_dec", "p.py::TestParser::test_hex[0x1]"])
        #expect(cut.popRest(ofUnitOf: head[0]).isEmpty)
        #expect(cut.count == 13 && cut.peekLongest(for: .x86_64)?.name == "m.py::test_0")
    }

    @Test func aClassWhoseOtherTestsOutweighItsLongOneStaysDivisible() {
        // autopep8's CommandLineTests: one 1.5 s test beside 1.55 s of others, each its own work.
        var tests = (0..<12).map { test("m.py::test_\($0)", 0.5) }
        tests += [test("c.py::TestCli::test_a", 0.5), test("c.py::TestCli::test_slow", 1.5), test("c.py::TestCli::test_b", 0.5),
                  test("c.py::TestCli::test_c", 0.55)]
        let arranged = CollectionOrder.arrange(tests, suites: [0], soloSeconds: 1)
        let share = 9.05 / 16
        #expect(arranged.suffix(4).map(\.groupWork) == [share, 1.5, share, share])
    }

    @Test func aClassWithTwoLongTestsStaysDivisible() {
        // PyJWT's TestPyJWKClient: two 2 s cache-expiry tests, a hundredth apart, and a cheap one.
        var tests = (0..<12).map { test("m.py::test_\($0)", 0.5) }
        tests += [test("j.py::TestClient::test_a", 2.0), test("j.py::TestClient::test_b", 2.01),
                  test("j.py::TestClient::test_c", 0.01)]
        let arranged = CollectionOrder.arrange(tests, suites: [0], soloSeconds: 1)
        let share = 10.02 / 16
        // Each long test goes first under its own prediction; the cheap one keeps its place.
        #expect(arranged.suffix(3).map(\.groupWork) == [2.0, 2.01, share])
        var queue = PendingQueue()
        queue.add(arranged)
        #expect(queue.pop(for: .x86_64, maxCount: 3, workBudget: 1).map(\.name) == ["j.py::TestClient::test_b"])
        #expect(queue.pop(for: .x86_64, maxCount: 3, workBudget: 1).map(\.name) == ["j.py::TestClient::test_a"])
    }

    @Test func aLongTestMustAlsoOutweighItsFilesLoadingCostManyTimes() {
        // 0.2 s is half of this tiny suite, but not 20 file loadings (0.5 s): it keeps its place.
        let tests = [test("a.py::x", 0.1), test("a.py::y", 0.2), test("a.py::z", 0.1)]
        let arranged = CollectionOrder.arrange(tests, suites: [0], soloSeconds: 0.5)
        #expect(arranged.allSatisfy { abs($0.groupWork - 0.4 / 16) < 1e-9 })
    }

    @Test func eachArchCopyIsASuiteOfItsOwn() {
        var x = test("a.py::x", 1), y = test("a.py::x", 3)
        x.arch = .x86_64
        y.arch = .aarch64
        let arranged = CollectionOrder.arrange([x, y], suites: [0])
        #expect(arranged.map(\.groupWork) == [1.0 / 16, 3.0 / 16])
    }

    @Test func anotherSuitesLongTestsStillStartBeforeThePytestSuiteAndItsShortOnesAfter() {
        // 32 s of pytest (a key of 2 s) beside a shell suite with one 30 s test and one of 1 s.
        let pytest = (0..<32).map { test("t.py::t\($0)", 1) }
        let shell = [test("integration", 30, suite: 1), test("smoke", 1, suite: 1)]
        var queue = PendingQueue()
        queue.add(CollectionOrder.arrange(pytest + shell, suites: [0]))
        #expect(queue.pop(for: .x86_64, maxCount: 1, workBudget: 1).map(\.name) == ["integration"])
        #expect(queue.pop(for: .x86_64, maxCount: 32, workBudget: 100).map(\.name) == pytest.map(\.name))
        #expect(queue.pop(for: .x86_64, maxCount: 1, workBudget: 100).map(\.name) == ["smoke"])
    }

    @Test func aNameWithoutAFileSeparatorIsItsOwnFile() {
        #expect(TestFile.of("tests/test_x.py::TestA::test[a::b]") == "tests/test_x.py")
        #expect(TestFile.of("plain") == "plain")
    }
}
