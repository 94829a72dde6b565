import Testing
import Model
import Planning
@testable import BenchSupport

@Suite struct StaticSchedulingTests {
    private func request(_ worker: Int, _ arch: Arch = .x86_64, workers: Int) -> GrantRequest {
        GrantRequest(worker: worker, arch: arch, workers: workers, grantCost: 0.5)
    }

    @Test func lptBalancesAHandCase() {
        // Longest first to the least-loaded bin: 4→w0, 3→w1, 3→w1 (3 < 4), 2→w0: both 6.
        var queue = PendingQueue()
        queue.add([2, 3, 4, 3].enumerated().map { TestCase(name: "t\($0.offset)", suite: 0, predicted: Double($0.element)) })
        var lpt = StaticLPTScheduling()
        lpt.prepare(queue: &queue, workers: [.x86_64, .x86_64], grantCost: 0.5)
        #expect(queue.isEmpty)
        let bin0 = lpt.nextGrant(from: &queue, for: request(0, workers: 2))
        let bin1 = lpt.nextGrant(from: &queue, for: request(1, workers: 2))
        #expect(bin0.map(\.name) == ["t2", "t0"])
        #expect(bin1.map(\.name) == ["t1", "t3"])
        #expect(bin0.map(\.predicted).reduce(0, +) == bin1.map(\.predicted).reduce(0, +))
        // A bin is one grant: asking again gets nothing.
        #expect(lpt.nextGrant(from: &queue, for: request(0, workers: 2)).isEmpty)
    }

    @Test func lptKeepsPinnedTestsOnTheirArchAndLeavesUnrunnableOnesQueued() {
        var queue = PendingQueue()
        queue.add([
            TestCase(name: "arm", suite: 0, predicted: 9, arch: .aarch64),
            TestCase(name: "any1", suite: 0, predicted: 5),
            TestCase(name: "any2", suite: 0, predicted: 4),
            TestCase(name: "x86", suite: 0, predicted: 1, arch: .x86_64),
        ])
        var lpt = StaticLPTScheduling()
        lpt.prepare(queue: &queue, workers: [.aarch64, .aarch64], grantCost: 0.5)
        #expect(queue.count == 1 && queue.count(for: .x86_64) == 1)  // no x86_64 worker
        let bins = [lpt.nextGrant(from: &queue, for: request(0, .aarch64, workers: 2)),
                    lpt.nextGrant(from: &queue, for: request(1, .aarch64, workers: 2))]
        #expect(bins[0].map(\.name) == ["arm"])
        #expect(bins[1].map(\.name) == ["any1", "any2"])
    }

    @Test func roundRobinDealsNameSortedTests() {
        var queue = PendingQueue()
        queue.add(["c", "a", "d", "b", "e"].map { TestCase(name: $0, suite: 0, predicted: $0 == "e" ? 100 : 1) })
        var robin = RoundRobinScheduling()
        robin.prepare(queue: &queue, workers: [.x86_64, .x86_64], grantCost: 0.5)
        #expect(robin.nextGrant(from: &queue, for: request(0, workers: 2)).map(\.name) == ["a", "c", "e"])
        #expect(robin.nextGrant(from: &queue, for: request(1, workers: 2)).map(\.name) == ["b", "d"])
        #expect(robin.nextGrant(from: &queue, for: request(1, workers: 2)).isEmpty)
    }

    @Test func roundRobinDealsPinnedTestsOverTheirArchOnly() {
        var queue = PendingQueue()
        queue.add([
            TestCase(name: "a1", suite: 0, arch: .aarch64), TestCase(name: "a2", suite: 0, arch: .aarch64),
            TestCase(name: "b1", suite: 0), TestCase(name: "b2", suite: 0), TestCase(name: "b3", suite: 0),
        ])
        var robin = RoundRobinScheduling()
        robin.prepare(queue: &queue, workers: [.x86_64, .aarch64, .aarch64], grantCost: 0.5)
        #expect(robin.nextGrant(from: &queue, for: request(0, workers: 3)).map(\.name) == ["b1"])
        #expect(robin.nextGrant(from: &queue, for: request(1, .aarch64, workers: 3)).map(\.name) == ["a1", "b2"])
        #expect(robin.nextGrant(from: &queue, for: request(2, .aarch64, workers: 3)).map(\.name) == ["a2", "b3"])
    }

    @Test func requeuedWorkAfterThePlanIsSharedOut() {
        var queue = PendingQueue()
        queue.add((0..<4).map { TestCase(name: "t\($0)", suite: 0, predicted: 1) })
        var lpt = StaticLPTScheduling()
        lpt.prepare(queue: &queue, workers: [.x86_64, .x86_64], grantCost: 0.5)
        _ = lpt.nextGrant(from: &queue, for: request(0, workers: 2))
        queue.requeueFirst((0..<4).map { TestCase(name: "lost\($0)", suite: 0, predicted: 1) })
        // Worker 0 already had its bin: it gets an equal half of the requeued work.
        #expect(lpt.nextGrant(from: &queue, for: request(0, workers: 2)).map(\.name) == ["lost0", "lost1"])
    }
}
