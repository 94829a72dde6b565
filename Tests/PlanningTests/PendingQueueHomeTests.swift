import Testing
import Model
@testable import Planning

/// Tests with a home (`TestCase.home`): the worker whose session collected their files takes
/// them first, in their order; another worker takes them only once nothing else it could run waits.
@Suite struct PendingQueueHomeTests {
    private func test(_ name: String, _ seconds: Double, home: UInt8? = nil, arch: Arch? = nil, key: Double = 0) -> TestCase {
        var test = TestCase(name: name, suite: 0, predicted: seconds, arch: arch)
        test.home = home
        test.groupWork = key
        return test
    }

    @Test func eachWorkerTakesItsHomesTestsInOrderAndOthersOnlyWhenNothingElseWaits() {
        var queue = PendingQueue()
        // One pytest suite in collection order (one group key), files split between two homes.
        queue.add([test("a.py::1", 1, home: 0, key: 4), test("b.py::1", 1, home: 1, key: 4), test("a.py::2", 1, home: 0, key: 4),
                   test("b.py::2", 1, home: 1, key: 4), test("b.py::3", 1, home: 1, key: 4)])
        #expect(queue.count == 5 && queue.count(for: .x86_64) == 5 && queue.predictedWork == 5)
        #expect(queue.pop(for: .x86_64, home: 0, maxCount: 10, workBudget: 1.5).map(\.name) == ["a.py::1", "a.py::2"])
        #expect(queue.pop(for: .x86_64, home: 1, maxCount: 10, workBudget: 1).map(\.name) == ["b.py::1"])
        // Home 0 has nothing left: it borrows from home 1, which keeps its order.
        #expect(queue.pop(for: .x86_64, home: 0, maxCount: 1, workBudget: .infinity).map(\.name) == ["b.py::2"])
        #expect(queue.pop(for: .x86_64, home: 1, maxCount: 10, workBudget: .infinity).map(\.name) == ["b.py::3"])
        #expect(queue.isEmpty && queue.predictedWork == 0)
    }

    @Test func aLongerTestWithoutAHomeAndRequeuedWorkStillGoFirst() {
        var queue = PendingQueue()
        queue.add([test("a.py::1", 1, home: 0, key: 2), test("a.py::2", 1, home: 0, key: 2), test("go:long", 9), test("go:short", 0.5)])
        queue.requeueFirst([test("lost", 0.1)])
        let order = queue.pop(for: .x86_64, home: 0, maxCount: 10, workBudget: .infinity).map(\.name)
        #expect(order == ["lost", "go:long", "a.py::1", "a.py::2", "go:short"])
    }

    @Test func aWorkerWithoutAHomeTakesOtherWorkFirstThenTheRichestHome() {
        var queue = PendingQueue()
        queue.add([test("a.py::1", 1, home: 0, key: 1), test("b.py::1", 2, home: 1, key: 3), test("b.py::2", 2, home: 1, key: 3),
                   test("arm", 1, arch: .aarch64), test("any", 0.1)])
        #expect(queue.pop(for: .aarch64, maxCount: 10, workBudget: .infinity).map(\.name) == ["arm", "any"])
        // Home 1 holds 4 s, home 0 holds 1 s.
        #expect(queue.pop(for: .aarch64, maxCount: 10, workBudget: 2).map(\.name) == ["b.py::1"])
        #expect(queue.peekLongest(for: .x86_64)?.name == "b.py::2")
        #expect(queue.removeAll().map(\.name) == ["b.py::2", "a.py::1"])
        #expect(queue.isEmpty)
    }

    /// A worker that ran out lends from a home after its own, even a poorer one: those tests come
    /// after what its session ran, as in a plain run. The last home's worker has none after it.
    @Test func aWorkerBorrowsFromALaterHomeBeforeARicherEarlierOne() {
        var queue = PendingQueue()
        queue.add([test("a.py::1", 3, home: 0, key: 5), test("a.py::2", 3, home: 0, key: 5),
                   test("b.py::1", 1, home: 1, key: 5), test("c.py::1", 1, home: 2, key: 5), test("c.py::2", 2, home: 2, key: 5)])
        #expect(queue.pop(for: .x86_64, home: 1, maxCount: 1, workBudget: .infinity).map(\.name) == ["b.py::1"])
        // Home 1 is empty; home 0 holds 6 s, home 2 holds 3 s: home 2 lends, from its front.
        #expect(queue.pop(for: .x86_64, home: 1, maxCount: 1, workBudget: .infinity).map(\.name) == ["c.py::1"])
        #expect(queue.pop(for: .x86_64, home: 2, maxCount: 1, workBudget: .infinity).map(\.name) == ["c.py::2"])
        // Nothing after home 2 is left: the richest of all lends.
        #expect(queue.pop(for: .x86_64, home: 2, maxCount: 1, workBudget: .infinity).map(\.name) == ["a.py::1"])
    }

    /// A worker that ran out borrows from an earlier home (after later tests in its session) only
    /// when it holds enough work to be worth it, or when that home's worker is gone.
    @Test func anEarlierHomeLendsItsLastFewTestsOnlyWhenItsWorkerIsGone() {
        var queue = PendingQueue()
        queue.attendedHomes = [0, 1]
        queue.add([test("a.py::1", 0.1, home: 0, key: 5), test("a.py::2", 0.1, home: 0, key: 5), test("b.py::1", 1, home: 1, key: 5)])
        #expect(queue.pop(for: .x86_64, home: 1, maxCount: 10, workBudget: .infinity).map(\.name) == ["b.py::1"])
        // 0.2 s waits at home 0, under the floor: home 0's worker runs it.
        #expect(queue.pop(for: .x86_64, home: 1, maxCount: 10, workBudget: .infinity).isEmpty)
        #expect(queue.count == 2)
        // A worker without a home has no order to keep.
        var homeless = queue
        #expect(homeless.pop(for: .x86_64, maxCount: 1, workBudget: .infinity).map(\.name) == ["a.py::1"])
        // Enough work waits: it is lent.
        var richer = queue
        richer.add([test("a.py::3", 0.3, home: 0, key: 5)])
        #expect(richer.pop(for: .x86_64, home: 1, maxCount: 1, workBudget: .infinity).map(\.name) == ["a.py::1"])
        // Home 0's worker is gone: anyone takes its tests.
        queue.attendedHomes = [1]
        #expect(queue.pop(for: .x86_64, home: 1, maxCount: 10, workBudget: .infinity).map(\.name) == ["a.py::1", "a.py::2"])
        #expect(queue.isEmpty)
    }

    /// A borrower runs an earlier home's tests in a process of its own, which pays the suite's
    /// session set-up again: the home lends only what is worth that much more (wheel: 2 s of
    /// session fixtures; 0.7 s of tests lent took 2.6 s while their home's worker idled).
    @Test func anEarlierHomeLendsOnlyWhatOutweighsANewProcessesSetUp() {
        var queue = PendingQueue()
        queue.attendedHomes = [0, 1]
        queue.add([test("a.py::1", 0.4, home: 0, key: 5), test("a.py::2", 0.3, home: 0, key: 5), test("b.py::1", 1, home: 1, key: 5)])
        #expect(queue.pop(for: .x86_64, home: 1, maxCount: 10, workBudget: .infinity).map(\.name) == ["b.py::1"])
        var costly = queue
        costly.processSetupSeconds = 2
        #expect(costly.pop(for: .x86_64, home: 1, maxCount: 10, workBudget: .infinity).isEmpty, "0.7 s is not worth 2 s")
        costly.add([test("a.py::3", 2, home: 0, key: 5)])
        #expect(costly.pop(for: .x86_64, home: 1, maxCount: 1, workBudget: .infinity).map(\.name) == ["a.py::1"], "2.7 s is")
        // Without a set-up cost, 0.7 s is lent as before.
        #expect(queue.pop(for: .x86_64, home: 1, maxCount: 1, workBudget: .infinity).map(\.name) == ["a.py::1"])
    }

    /// A file whose tests this build measured at many times their predictions weighs that much
    /// more: dateutil's last slow tzdata tests, predicted 50 ms each, are lent. Another file's
    /// scale changes nothing for them.
    @Test func anEarlierHomesTestsOfAFileThatOutranItsPredictionsAreLent() {
        var queue = PendingQueue()
        queue.attendedHomes = [0, 1]
        queue.add([test("slow.py::1", 0.05, home: 0, key: 5), test("slow.py::2", 0.05, home: 0, key: 5),
                   test("b.py::1", 1, home: 1, key: 5)])
        #expect(queue.pop(for: .x86_64, home: 1, maxCount: 10, workBudget: .infinity).map(\.name) == ["b.py::1"])
        queue.fileScales = ["other.py": 100]
        #expect(queue.pop(for: .x86_64, home: 1, maxCount: 10, workBudget: .infinity).isEmpty)
        queue.fileScales["slow.py"] = 30  // 0.1 s predicted, 3 s expected
        #expect(queue.pop(for: .x86_64, home: 1, maxCount: 1, workBudget: .infinity).map(\.name) == ["slow.py::1"])
    }

    @Test func aPinnedTestIgnoresItsHome() {
        var queue = PendingQueue()
        queue.add([test("arm.py::1", 1, home: 0, arch: .aarch64)])
        #expect(queue.pop(for: .x86_64, home: 0, maxCount: 10, workBudget: .infinity).isEmpty)
        #expect(queue.pop(for: .aarch64, home: 1, maxCount: 10, workBudget: .infinity).map(\.name) == ["arm.py::1"])
    }
}
