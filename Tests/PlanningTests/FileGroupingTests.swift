import Testing
import Model
@testable import Planning

@Suite struct FileGroupingTests {
    private func test(_ name: String, _ seconds: Double, suite: Int = 0) -> TestCase {
        TestCase(name: name, suite: suite, predicted: seconds)
    }

    @Test func testsOfOneFileBecomeContiguousWithTheFilesTotal() {
        let tests = [test("a.py::x", 1), test("b.py::y", 5), test("a.py::z", 2), test("c.py::w", 0.5, suite: 1),
                     test("b.py::v", 1)]
        let grouped = FileGrouping.group(tests, suites: [0])
        // Files in order of first appearance, tests in their given order; suite 1 is left alone.
        #expect(grouped.map(\.name) == ["a.py::x", "a.py::z", "b.py::y", "b.py::v", "c.py::w"])
        #expect(grouped.map(\.groupWork) == [3, 3, 6, 6, 0])
        #expect(grouped.map(\.queueKey) == [3, 3, 6, 6, 0.5])
        #expect(grouped.map(\.predicted) == [1, 2, 5, 1, 0.5])
    }

    @Test func theQueueHandsOutWholeFilesLargestFirstButBudgetsCountEachTest() {
        let tests = [test("small.py::a", 0.1), test("big.py::slow", 4), test("small.py::b", 0.1),
                     test("big.py::fast", 0.2), test("mid.py::only", 3)]
        var queue = PendingQueue()
        queue.add(FileGrouping.group(tests, suites: [0]))
        #expect(queue.predictedWork == 7.4)
        // big.py (4.2 s) first and whole, in its given order, though mid.py's one test is longer than big.py::fast.
        #expect(queue.pop(for: .x86_64, maxCount: 10, workBudget: 4.1).map(\.name) == ["big.py::slow", "big.py::fast"])
        #expect(queue.pop(for: .x86_64, maxCount: 10, workBudget: 100).map(\.name) == ["mid.py::only", "small.py::a", "small.py::b"])
    }

    @Test func aFilesLoadingCostGoesOnItsFirstTest() {
        let grouped = FileGrouping.group([test("a.py::x", 1), test("a.py::y", 2), test("b.py::z", 0.5)], suites: [0],
                                         fileOverhead: 0.25)
        #expect(grouped.map(\.predicted) == [1.25, 2, 0.75])
        #expect(grouped.map(\.groupWork) == [3.25, 3.25, 0.75])
    }

    @Test func aLongTestLeavesItsFileSoLongestFirstStartsIt() {
        let tests = [test("r.py::a", 1), test("r.py::primes", 12), test("r.py::b", 1), test("m.py::c", 3), test("m.py::d", 4)]
        let grouped = FileGrouping.group(tests, suites: [0], fileOverhead: 0.25, soloSeconds: 5)
        #expect(grouped.map(\.name) == ["r.py::a", "r.py::b", "r.py::primes", "m.py::c", "m.py::d"])
        #expect(grouped.map(\.groupWork) == [2.25, 2.25, 12.25, 7.25, 7.25])
        var queue = PendingQueue()
        queue.add(grouped)
        // The long test goes first and alone, then m.py whole, then the rest of r.py.
        #expect(queue.pop(for: .x86_64, maxCount: 10, workBudget: 3).map(\.name) == ["r.py::primes"])
        #expect(queue.pop(for: .x86_64, maxCount: 10, workBudget: 3).map(\.name) == ["m.py::c"])
        #expect(queue.pop(for: .x86_64, maxCount: 10, workBudget: 100).map(\.name) == ["m.py::d", "r.py::a", "r.py::b"])
    }

    @Test func aNameWithoutAFileSeparatorIsItsOwnFile() {
        #expect(FileGrouping.filePart(of: "tests/test_x.py::TestA::test[a::b]") == "tests/test_x.py")
        #expect(FileGrouping.filePart(of: "plain") == "plain")
    }
}
