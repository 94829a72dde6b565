public import Model

/// testfleet's scheduler: longest-predicted-first, in chunks that shrink as the queue drains
/// (guided self-scheduling). Early grants are large so the per-grant cost is paid rarely; late
/// grants are small so the workers finish together even when predictions are off.
///
/// A grant takes predicted work `max(remaining / (divisor × workers), minimumGrantCosts × c)`
/// for the asking worker's arch, longest tests first (a test longer than that goes alone), to the
/// nearest test once past the floor: a long test that would overshoot the budget by more than
/// stopping falls short of it waits for the next grant.
/// Why these shapes: with chunks of `remaining / (d·N)` a worker makes about `d · ln(W / (N·b))`
/// grants in all, so the grant cost stays a fraction of a percent of the work, while the last
/// grants are only `b` (the floor) long, which bounds how unevenly workers finish. The floor is
/// a multiple of the grant cost c so a grant's start-up is never a big share of the grant.
/// Defaults were tuned with `bench/run makespan` (100k lognormal σ = 2 tests, 30 % noise,
/// c = 0.501 s, 4–64 workers); see bench/RESULTS.md.
public struct GuidedScheduling: Scheduling {
    /// A grant takes about 1/(divisor × workers) of the remaining work.
    public var divisor: Double
    /// Upper bound on tests per grant (keeps messages and leases a sane size).
    public var maxTests: Int
    /// A grant's predicted work is at least this many grant costs (unless less work waits).
    public var minimumGrantCosts: Double

    public init(divisor: Double = 2, maxTests: Int = 20_000, minimumGrantCosts: Double = 4) {
        self.divisor = divisor
        self.maxTests = maxTests
        self.minimumGrantCosts = minimumGrantCosts
    }

    public func nextGrant(from queue: inout PendingQueue, arch: Arch, workers: Int, grantCost: Double) -> [TestCase] {
        nextGrant(from: &queue, arch: arch, home: nil, workers: workers, grantCost: grantCost)
    }

    /// Sizes the grant from all the work the worker could take; its home's tests go first (see
    /// `PendingQueue.pop`).
    public func nextGrant(from queue: inout PendingQueue, arch: Arch, home: UInt8?, workers: Int, grantCost: Double) -> [TestCase] {
        let waiting = queue.count(for: arch)
        guard waiting > 0 else { return [] }
        let share = divisor * Double(max(workers, 1))
        let work = queue.predictedWork(for: arch)
        if work <= 0 {
            // No history: split by count. When a grant is expensive (a pytest or go process per
            // grant) and nothing says how long tests take, shrinking chunks would mostly buy
            // more start-ups: one even share per worker is the better bet.
            let countShare = max(1, Int((Double(waiting) / (grantCost >= 0.1 ? Double(max(workers, 1)) : share)).rounded(.up)))
            return queue.pop(for: arch, home: home, maxCount: min(countShare, maxTests), workBudget: .infinity)
        }
        let floor = minimumGrantCosts * grantCost
        return queue.pop(for: arch, home: home, maxCount: maxTests, workBudget: max(work / share, floor), shortOfBudgetFrom: floor)
    }
}
