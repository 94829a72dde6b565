import Testing
import Model
@testable import Planning

@Suite struct GuidedSchedulingTests {
    private func queue(_ tests: [TestCase]) -> PendingQueue {
        var queue = PendingQueue()
        queue.add(tests)
        return queue
    }

    @Test(arguments: [
        (0..<500).map { TestCase(name: "t\($0)", suite: 0, predicted: Double($0 % 13) * 0.37) },
        (0..<50).map { TestCase(name: "none\($0)", suite: 0) },  // no history: all 0
        [TestCase(name: "tiny", suite: 0, predicted: 1e-9)],
        (0..<40).map { TestCase(name: "p\($0)", suite: 0, predicted: 1, arch: $0 % 2 == 0 ? .aarch64 : nil) },
    ])
    func neverEmptyWhileWorkWaits(_ tests: [TestCase]) {
        var queue = queue(tests)
        let strategy = GuidedScheduling()
        var granted = 0
        while queue.count(for: .x86_64) > 0 {
            let grant = strategy.nextGrant(from: &queue, arch: .x86_64, workers: 8, grantCost: 0.5)
            #expect(!grant.isEmpty)
            #expect(grant.allSatisfy { $0.arch != .aarch64 })
            granted += grant.count
        }
        #expect(granted == tests.filter { $0.arch != .aarch64 }.count)
        #expect(strategy.nextGrant(from: &queue, arch: .x86_64, workers: 8, grantCost: 0.5).isEmpty)
    }

    @Test func twoLongTestsDoNotShareAGrantTheFirstNearlyFills() {
        // dateutil's shape: 20 s of work, two workers sharing it (budget 20 / 4 = 5 s), warm
        // grants (c = 0.05 s, floor 0.2 s). 4.2 s reaches nearer 5 s than 4.2 + 3.1 does, so the
        // 3.1 s test waits for the other worker's grant.
        let long = [4.2, 3.1, 2.1].enumerated().map { TestCase(name: "long\($0.offset)", suite: 0, predicted: $0.element) }
        let short = (0..<106).map { TestCase(name: "s\($0)", suite: 0, predicted: 0.1) }
        var queue = queue(long + short)
        let strategy = GuidedScheduling()
        #expect(strategy.nextGrant(from: &queue, arch: .x86_64, workers: 2, grantCost: 0.05).map(\.name) == ["long0"])
        #expect(strategy.nextGrant(from: &queue, arch: .x86_64, workers: 2, grantCost: 0.05).map(\.name) == ["long1"])
        // Below the floor a grant still fills up to the budget (a start-up must stay a small share).
        var costly = self.queue([4.0, 3, 3, 2].enumerated().map { TestCase(name: "t\($0.offset)", suite: 0, predicted: $0.element) })
        #expect(strategy.nextGrant(from: &costly, arch: .x86_64, workers: 2, grantCost: 1).map(\.name) == ["t0"])
        #expect(strategy.nextGrant(from: &costly, arch: .x86_64, workers: 2, grantCost: 1).map(\.name) == ["t1", "t2"])
    }

    @Test func grantsShrinkAsTheQueueDrainsDownToTheFloor() {
        // 1000 one-second tests, 4 workers, c = 0.5 s: the first grant is 1000 / (2·4) = 125 s.
        var queue = queue((0..<1000).map { TestCase(name: "t\($0)", suite: 0, predicted: 1) })
        let strategy = GuidedScheduling()
        var sizes: [Int] = []
        while !queue.isEmpty {
            sizes.append(strategy.nextGrant(from: &queue, arch: .x86_64, workers: 4, grantCost: 0.5).count)
        }
        #expect(sizes.first == 125)
        #expect(sizes[1] == 109)  // 875 / 8 = 109.4 s, to the nearest test
        #expect(sizes == sizes.sorted(by: >))
        // The floor: 4 grant costs = 2 s, so the last grants are 2 tests (or what is left).
        #expect(sizes.dropLast().allSatisfy { $0 >= 2 })
        #expect(sizes.reduce(0, +) == 1000)
    }

    @Test func aTestLongerThanTheBudgetGoesAlone() {
        var queue = queue([TestCase(name: "huge", suite: 0, predicted: 500)] + (0..<100).map { TestCase(name: "t\($0)", suite: 0, predicted: 1) })
        let grant = GuidedScheduling().nextGrant(from: &queue, arch: .x86_64, workers: 4, grantCost: 0.5)
        #expect(grant.map(\.name) == ["huge"])
    }

    @Test func requeuedWorkGoesOutInTheNextGrant() {
        var queue = queue((0..<100).map { TestCase(name: "t\($0)", suite: 0, predicted: 1) })
        queue.requeueFirst([TestCase(name: "lost", suite: 0, predicted: 0.1)])
        let grant = GuidedScheduling().nextGrant(from: &queue, arch: .x86_64, workers: 4, grantCost: 0.5)
        #expect(grant.first?.name == "lost")
    }
}
