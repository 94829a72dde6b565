public import Model
public import Planning

/// Baseline: bktec's fallback plan when it has no timing data — tests sorted by name and dealt
/// round-robin into one bin per worker before the first grant (test i goes to eligible worker
/// i mod n). Each worker gets its whole bin in a single grant. Predictions are ignored, as they
/// are in bktec's fallback.
public struct RoundRobinScheduling: Scheduling {
    private var bins = StaticBins()

    public init() {}

    /// Without a worker identity no bin can be chosen: an equal share of what waits.
    public func nextGrant(from queue: inout PendingQueue, arch: Arch, workers: Int, grantCost: Double) -> [TestCase] {
        StaticBins.equalShare(from: &queue, arch: arch, workers: workers)
    }

    /// Deals the bins. Tests pinned to an arch are dealt round-robin over that arch's workers
    /// only, with their own counter, so pinning never skews the any-arch deal.
    public mutating func prepare(queue: inout PendingQueue, workers: [Arch], grantCost: Double) {
        let tests = queue.removeAll().enumerated().sorted {
            $0.element.name != $1.element.name ? $0.element.name < $1.element.name : $0.offset < $1.offset
        }.map(\.element)
        var planned = Array(repeating: [TestCase](), count: workers.count)
        let everyWorker = Array(workers.indices)
        let byArch = Dictionary(grouping: workers.indices, by: { workers[$0] })
        var dealt: [Arch?: Int] = [:]
        var unplaceable: [TestCase] = []
        for test in tests {
            let candidates = test.arch.map { byArch[$0] ?? [] } ?? everyWorker
            guard !candidates.isEmpty else {
                unplaceable.append(test)
                continue
            }
            let turn = dealt[test.arch, default: 0]
            planned[candidates[turn % candidates.count]].append(test)
            dealt[test.arch] = turn + 1
        }
        bins = StaticBins(planned)
        queue.add(unplaceable)
    }

    public mutating func nextGrant(from queue: inout PendingQueue, for request: GrantRequest) -> [TestCase] {
        if let bin = bins.take(worker: request.worker) { return bin }
        return nextGrant(from: &queue, arch: request.arch, workers: request.workers, grantCost: request.grantCost)
    }
}
