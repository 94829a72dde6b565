import Model
import Planning

/// Per-worker bins fixed before the first grant, shared by the static strategies (LPT and
/// round-robin): each worker gets its whole bin as its first grant, and nothing planned after.
struct StaticBins: Sendable {
    private var bins: [[TestCase]] = []
    private var handedOut: [Bool] = []

    init() {}

    init(_ bins: [[TestCase]]) {
        self.bins = bins
        handedOut = Array(repeating: false, count: bins.count)
    }

    /// The worker's bin, the first time it asks; nil afterwards or when its bin is empty.
    mutating func take(worker: Int) -> [TestCase]? {
        guard bins.indices.contains(worker), !handedOut[worker] else { return nil }
        handedOut[worker] = true
        let bin = bins[worker]
        bins[worker] = []
        return bin.isEmpty ? nil : bin
    }

    /// Which workers may run `test`: all of them, or those of its pinned arch.
    static func eligible(_ test: TestCase, workers: [Arch]) -> some Sequence<Int> {
        workers.indices.lazy.filter { test.arch == nil || workers[$0] == test.arch }
    }

    /// What a static strategy does with work outside its plan (tests requeued from a lost worker,
    /// or a caller that never called `prepare`): an equal 1/`workers` share of what waits for
    /// `arch`, by predicted work (by count when nothing has a prediction), at least one test.
    static func equalShare(from queue: inout PendingQueue, arch: Arch, workers: Int) -> [TestCase] {
        let waiting = queue.count(for: arch)
        guard waiting > 0 else { return [] }
        let share = Double(max(workers, 1))
        let work = queue.predictedWork(for: arch)
        if work <= 0 {
            return queue.pop(for: arch, maxCount: Int((Double(waiting) / share).rounded(.up)), workBudget: .infinity)
        }
        return queue.pop(for: arch, maxCount: .max, workBudget: work / share)
    }
}
