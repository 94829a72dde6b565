import Testing
import Model
import Planning
@testable import BenchSupport

@Suite struct LoadSchedulingTests {
    private func prepared(tests count: Int, workers: Int) -> (LoadScheduling, PendingQueue) {
        var queue = PendingQueue()
        // Predictions deliberately unrelated to names: load must ignore them.
        var tests: [TestCase] = []
        for index in 0..<count {
            tests.append(TestCase(name: Self.name(index), suite: 0, predicted: Double((index * 37) % 11)))
        }
        queue.add(tests)
        var load = LoadScheduling()
        load.prepare(queue: &queue, workers: Array(repeating: .x86_64, count: workers), grantCost: 0.5)
        return (load, queue)
    }

    /// "t0042": zero-padded, so name order is index order.
    private static func name(_ index: Int) -> String {
        let digits = String(index)
        return "t" + String(repeating: "0", count: 4 - digits.count) + digits
    }

    private func request(_ worker: Int, outstanding: Int, last: Double?) -> GrantRequest {
        GrantRequest(worker: worker, arch: .x86_64, workers: 4, grantCost: 0.5, outstanding: outstanding, lastDuration: last)
    }

    @Test func initialChunksAreAQuarterShareInCollectionOrder() {
        var (load, queue) = prepared(tests: 400, workers: 4)
        #expect(load.refill == .afterEveryTest)
        let first = load.nextGrant(from: &queue, for: request(0, outstanding: 0, last: nil))
        #expect(first.count == 25)  // 400 / 4 / 4
        #expect(first.map(\.name) == (0..<25).map(Self.name))
        #expect(load.nextGrant(from: &queue, for: request(1, outstanding: 0, last: nil)).first?.name == "t0025")
    }

    @Test func topUpFollowsTheWatermarksAndTheLongTestRule() {
        var (load, queue) = prepared(tests: 400, workers: 4)
        for worker in 0..<4 { _ = load.nextGrant(from: &queue, for: request(worker, outstanding: 0, last: nil)) }
        // 300 pending: low = max(2, 300/4/4) = 18, high = max(2, 300/4/2) = 37.
        #expect(load.nextGrant(from: &queue, for: request(0, outstanding: 20, last: 0.01)).isEmpty)
        #expect(load.nextGrant(from: &queue, for: request(0, outstanding: 5, last: 0.5)).isEmpty)  // long tests, holds ≥ 2
        let topUp = load.nextGrant(from: &queue, for: request(0, outstanding: 10, last: 0.05))
        #expect(topUp.count == 27)  // 37 − 10
        #expect(topUp.first?.name == "t0100")
        // 273 pending: low 17, high 34; holding 1 after a long test still gets topped up.
        #expect(load.nextGrant(from: &queue, for: request(1, outstanding: 1, last: 5)).count == 33)
    }

    @Test func theTailGoesOutOneOrTwoAtATime() {
        var (load, queue) = prepared(tests: 12, workers: 4)
        for worker in 0..<4 { #expect(load.nextGrant(from: &queue, for: request(worker, outstanding: 0, last: nil)).count == 2) }
        // 4 pending: low = high = 2.
        #expect(load.nextGrant(from: &queue, for: request(0, outstanding: 1, last: 0.01)).count == 1)
        #expect(load.nextGrant(from: &queue, for: request(1, outstanding: 0, last: 0.01)).count == 2)
        #expect(load.nextGrant(from: &queue, for: request(2, outstanding: 0, last: 0.01)).count == 1)
        #expect(load.nextGrant(from: &queue, for: request(3, outstanding: 0, last: 0.01)).isEmpty)
    }

    @Test func requeuedTestsGoFirst() {
        var (load, queue) = prepared(tests: 400, workers: 4)
        queue.requeueFirst([TestCase(name: "lost", suite: 0, predicted: 1)])
        #expect(load.nextGrant(from: &queue, for: request(0, outstanding: 0, last: nil)).first?.name == "lost")
    }
}
