import Model

/// testfleet's scheduler: longest-predicted-first, in chunks that shrink as the queue drains
/// (guided self-scheduling). Early grants are large so the per-grant cost is paid rarely; late
/// grants are small so the workers finish together even when predictions are off.
public struct GuidedScheduling: Scheduling {
    /// A grant takes about 1/(divisor × workers) of the remaining work.
    public var divisor: Double
    /// Upper bound on tests per grant (keeps messages and leases a sane size).
    public var maxTests: Int

    public init(divisor: Double = 2, maxTests: Int = 20_000) {
        self.divisor = divisor
        self.maxTests = maxTests
    }

    public func nextGrant(from queue: inout PendingQueue, arch: Arch, workers: Int, grantCost: Double) -> [TestCase] {
        let waiting = queue.count(for: arch)
        guard waiting > 0 else { return [] }
        let share = divisor * Double(max(workers, 1))
        let countShare = max(1, Int((Double(waiting) / share).rounded(.up)))
        let work = queue.predictedWork(for: arch)
        if work <= 0 {
            // No history: split by count.
            return queue.pop(for: arch, maxCount: min(countShare, maxTests), workBudget: .infinity)
        }
        // A grant should be worth at least a few grant costs, so start-up stays a small share.
        let budget = max(work / share, 4 * grantCost)
        return queue.pop(for: arch, maxCount: maxTests, workBudget: budget)
    }
}
