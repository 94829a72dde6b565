public import Model
public import Planning

/// Baseline: pytest-split's `least_duration` — static longest-processing-time bins. Before the
/// first grant, tests are taken longest-predicted first and each goes to the eligible worker
/// whose bin has the least predicted work so far (ties: the lowest worker id, as pytest-split's
/// heap of `(sum, index)` does). Each worker then gets its whole bin in a single grant, so it
/// pays the grant cost once but can't rebalance when actual times differ from the predictions.
public struct StaticLPTScheduling: Scheduling {
    private var bins = StaticBins()

    public init() {}

    /// Without a worker identity no bin can be chosen: an equal share of what waits.
    public func nextGrant(from queue: inout PendingQueue, arch: Arch, workers: Int, grantCost: Double) -> [TestCase] {
        StaticBins.equalShare(from: &queue, arch: arch, workers: workers)
    }

    /// Fills the bins. Costs O(tests × workers): a scan for the least-loaded eligible bin, which
    /// keeps arch-pinned tests simple and is a few milliseconds for 100k tests on 64 workers.
    public mutating func prepare(queue: inout PendingQueue, workers: [Arch], grantCost: Double) {
        let tests = queue.removeAll()
        var planned = Array(repeating: [TestCase](), count: workers.count)
        var sums = Array(repeating: 0.0, count: workers.count)
        var unplaceable: [TestCase] = []
        for test in tests {
            var best: Int?
            for worker in StaticBins.eligible(test, workers: workers) where best == nil || sums[worker] < sums[best!] {
                best = worker
            }
            guard let best else {
                unplaceable.append(test)
                continue
            }
            planned[best].append(test)
            sums[best] += test.predicted
        }
        bins = StaticBins(planned)
        queue.add(unplaceable)
    }

    public mutating func nextGrant(from queue: inout PendingQueue, for request: GrantRequest) -> [TestCase] {
        if let bin = bins.take(worker: request.worker) { return bin }
        return nextGrant(from: &queue, arch: request.arch, workers: request.workers, grantCost: request.grantCost)
    }
}
