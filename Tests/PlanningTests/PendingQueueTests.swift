import Testing
import Model
@testable import Planning

@Suite struct PendingQueueTests {
    private func test(_ name: String, _ seconds: Double, _ arch: Arch? = nil) -> TestCase {
        TestCase(name: name, suite: 0, predicted: seconds, arch: arch)
    }

    @Test func aarch64OnlyTestsNeverGoToX86() {
        var queue = PendingQueue()
        queue.add([test("arm::a", 9, .aarch64), test("any::b", 5), test("x86::c", 4, .x86_64), test("arm::d", 1, .aarch64), test("any::e", 0.5)])
        var taken: [TestCase] = []
        while queue.count(for: .x86_64) > 0 {
            taken += queue.pop(for: .x86_64, maxCount: 1, workBudget: .infinity)
        }
        #expect(taken.map(\.name) == ["any::b", "x86::c", "any::e"])
        #expect(queue.count == 2)
        #expect(queue.count(for: .aarch64) == 2)
        #expect(queue.pop(for: .aarch64, maxCount: 10, workBudget: .infinity).map(\.name) == ["arm::a", "arm::d"])
        #expect(queue.isEmpty)
    }

    @Test func requeuedTestsComeFirstInTheirGivenOrder() {
        var queue = PendingQueue()
        queue.add([test("a", 5), test("b", 3), test("c", 1)])
        #expect(queue.pop(for: .x86_64, maxCount: 1, workBudget: .infinity).map(\.name) == ["a"])
        queue.requeueFirst([test("lost1", 0.1), test("lost2", 0.2), test("lost3", 0.3, .x86_64)])
        #expect(queue.count == 5)
        let expectedWork: Double = 3 + 1 + 0.1 + 0.2 + 0.3
        #expect(abs(queue.predictedWork - expectedWork) < 1e-9)
        // Requeued work of both lanes before anything else: in given order within a lane,
        // the longer head first between lanes.
        #expect(queue.peekLongest(for: .x86_64)?.name == "lost3")
        #expect(queue.pop(for: .x86_64, maxCount: 10, workBudget: .infinity).map(\.name) == ["lost3", "lost1", "lost2", "b", "c"])
        #expect(queue.predictedWork == 0)
    }

    @Test func longestFirstWithTiesInGivenOrderAcrossAdds() {
        var queue = PendingQueue()
        queue.add([test("t1", 1), test("t2", 2), test("t3", 1)])
        queue.add([test("t4", 1), test("t5", 3)])
        // Equal predictions: earlier adds first, then order within an add.
        #expect(queue.pop(for: .x86_64, maxCount: 10, workBudget: .infinity).map(\.name) == ["t5", "t2", "t1", "t3", "t4"])
    }

    @Test func popStopsOnceTheBudgetIsReachedButTakesAtLeastOne() {
        var queue = PendingQueue()
        queue.add([test("a", 10), test("b", 2), test("c", 2), test("d", 2)])
        #expect(queue.pop(for: .x86_64, maxCount: 10, workBudget: 1).map(\.name) == ["a"])
        #expect(queue.pop(for: .x86_64, maxCount: 10, workBudget: 3).map(\.name) == ["b", "c"])
        #expect(queue.predictedWork(for: .x86_64) == 2)
        #expect(queue.pop(for: .x86_64, maxCount: 0, workBudget: 100).isEmpty)
    }

    @Test func removeAllGivesRequeuedThenEveryLaneLongestFirst() {
        var queue = PendingQueue()
        queue.add([test("any1", 4), test("arm", 5, .aarch64), test("x86", 3, .x86_64), test("any2", 1)])
        queue.requeueFirst([test("lost", 0.5)])
        #expect(queue.removeAll().map(\.name) == ["lost", "arm", "any1", "x86", "any2"])
        #expect(queue.isEmpty && queue.predictedWork == 0)
    }

    @Test func manyPopsAndAddsKeepCountsAndWorkConsistent() {
        var queue = PendingQueue()
        let tests = (0..<10_000).map { test("t\($0)", Double($0 % 97) / 10) }
        queue.add(tests)
        var popped: [TestCase] = []
        var lateAt: Int?
        while !queue.isEmpty {
            popped += queue.pop(for: .x86_64, maxCount: 37, workBudget: .infinity)
            if popped.count >= 5_000 && lateAt == nil {
                lateAt = popped.count
                queue.add([test("late", 100)])
            }
        }
        #expect(popped.count == 10_001)
        #expect(Set(popped.map(\.name)).count == 10_001)
        // Longest first, apart from the late add, which is the longest of what is left.
        let early = popped.prefix(lateAt!).map(\.predicted)
        #expect(early == early.sorted(by: >))
        #expect(popped[lateAt!].name == "late")
        #expect(queue.predictedWork == 0)
    }
}
