import Testing
import Model
@testable import Planning

@Suite struct FailedFirstTests {
    @Test func aTestThatFailedLastTimeGoesOutFirstAndAloneWithItsBudgetUnchanged() {
        let tests = [TestCase(name: "a.py::x", suite: 0, predicted: 1), TestCase(name: "a.py::broken", suite: 0, predicted: 0.1),
                     TestCase(name: "a.py::y", suite: 0, predicted: 1), TestCase(name: "b.py::long", suite: 0, predicted: 9),
                     TestCase(name: "c.py::broken", suite: 0, predicted: 0.5)]
        var grouped = CollectionOrder.arrange(tests, suites: [0], soloSeconds: 5)
        FailedFirst.prioritise(&grouped, failed: ["a.py::broken", "c.py::broken", "gone.py::z"])
        var queue = PendingQueue()
        queue.add(grouped)
        #expect(queue.predictedWork == 11.6)
        // The previous build's failures first (the cheaper one first), then the long test, then collection order.
        #expect(queue.pop(for: .x86_64, maxCount: 1, workBudget: 100).map(\.name) == ["a.py::broken"])
        #expect(queue.pop(for: .x86_64, maxCount: 1, workBudget: 100).map(\.name) == ["c.py::broken"])
        #expect(queue.pop(for: .x86_64, maxCount: 10, workBudget: 100).map(\.name) == ["b.py::long", "a.py::x", "a.py::y"])
    }

    @Test func nothingFailedChangesNothing() {
        let tests = [TestCase(name: "a", suite: 0, predicted: 1), TestCase(name: "b", suite: 0, predicted: 2)]
        var same = tests
        FailedFirst.prioritise(&same, failed: [])
        #expect(same == tests)
    }
}
