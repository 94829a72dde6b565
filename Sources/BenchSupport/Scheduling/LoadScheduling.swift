public import Model
public import Planning

/// Baseline: pytest-xdist's `load` scheduler (`src/xdist/scheduler/load.py`, 3.x), replayed on
/// testfleet's grant model, where every `_send_tests` call is one grant.
///
/// What it copies from xdist:
/// - Tests go out in collection order (`TestCase.index`, the build's order; ties by name, which
///   is how pytest orders files), never by predicted duration; xdist has no timing model.
/// - Initial distribution: each worker's first grant is `max(2, min(tests / workers / 4,
///   maxschedchunk))` consecutive tests; with fewer than 2 tests per worker, all are dealt out.
/// - Top-up (`check_schedule`, run after every finished test): with `pending` tests not yet sent,
///   `min = max(2, pending / workers / 4)` and `max = max(2, pending / workers / 2)`; when the
///   worker holds fewer than `min`, it gets `max - held` more — unless its last test took
///   ≥ 0.1 s and it still holds ≥ 2 ("seems the node is doing long-running tests"). So once the
///   pending pool is small, tests go out one or two at a time.
/// - Tests put back in the queue (a lost worker's) are sent before the rest, like
///   `mark_test_pending` inserting at the front.
/// Arch pinning (which xdist lacks) is kept simple: a worker takes tests pinned to its arch
/// before any-arch ones.
public struct LoadScheduling: Scheduling {
    /// xdist's `--maxschedchunk`: the most tests one top-up may send; nil is xdist's default
    /// (no limit).
    public var maxScheduleChunk: Int?
    /// Tests not yet sent, in collection order, per arch constraint (nil: any arch).
    private var lanes: [Arch?: CollectionLane] = [:]
    private var started: [Bool] = []
    private var initialChunk = 2
    private var collectionSize = 0

    public init(maxScheduleChunk: Int? = nil) {
        self.maxScheduleChunk = maxScheduleChunk
    }

    /// xdist tops up a worker after every finished test.
    public var refill: RefillTrigger { .afterEveryTest }

    /// Without `prepare` (a caller that knows no worker ids): the top-up an idle worker gets.
    public func nextGrant(from queue: inout PendingQueue, arch: Arch, workers: Int, grantCost: Double) -> [TestCase] {
        let pending = queue.count(for: arch)
        guard pending > 0 else { return [] }
        let count = min(max(2, pending / max(workers, 1) / 2), maxScheduleChunk.map { max(2, $0) } ?? .max)
        return queue.pop(for: arch, maxCount: count, workBudget: .infinity)
    }

    /// Takes the collection out of `queue` in collection order and fixes the initial chunk size.
    public mutating func prepare(queue: inout PendingQueue, workers: [Arch], grantCost: Double) {
        let collection = queue.removeAll().enumerated().sorted { l, r in
            if l.element.index != r.element.index { return l.element.index < r.element.index }
            return l.element.name != r.element.name ? l.element.name < r.element.name : l.offset < r.offset
        }.map(\.element)
        let archesOnline = Set(workers)
        var unplaceable: [TestCase] = []
        lanes = [:]
        for test in collection {
            if let arch = test.arch, !archesOnline.contains(arch) {
                unplaceable.append(test)
            } else {
                lanes[test.arch, default: CollectionLane()].tests.append(test)
            }
        }
        queue.add(unplaceable)
        started = Array(repeating: false, count: workers.count)
        collectionSize = collection.count - unplaceable.count
        let nodes = max(workers.count, 1)
        initialChunk = max(2, min(collectionSize / nodes / 4, maxScheduleChunk ?? .max))
    }

    public mutating func nextGrant(from queue: inout PendingQueue, for request: GrantRequest) -> [TestCase] {
        let pending = queue.count(for: request.arch) + (lanes[nil]?.count ?? 0) + (lanes[request.arch]?.count ?? 0)
        guard pending > 0 else { return [] }
        let nodes = max(request.workers, 1)
        if started.indices.contains(request.worker) && !started[request.worker] {
            started[request.worker] = true
            if collectionSize < 2 * nodes {
                // xdist deals everything out round-robin; in one pass each worker ends up with
                // its share of what is left, which is what this hands it.
                let unstarted = started.lazy.filter { !$0 }.count + 1
                return send((pending + unstarted - 1) / unstarted, to: request.arch, from: &queue)
            }
            return send(initialChunk, to: request.arch, from: &queue)
        }
        let low = max(2, pending / nodes / 4)
        let high = max(2, pending / nodes / 2)
        guard request.outstanding < low else { return [] }
        if let last = request.lastDuration, last >= 0.1, request.outstanding >= 2 { return [] }
        let chunkLimit = max(2 - request.outstanding, maxScheduleChunk ?? .max)
        return send(min(high - request.outstanding, chunkLimit), to: request.arch, from: &queue)
    }

    /// Takes `count` tests for a worker of `arch`: requeued ones first, then pinned, then any-arch.
    private mutating func send(_ count: Int, to arch: Arch, from queue: inout PendingQueue) -> [TestCase] {
        var taken = queue.count(for: arch) > 0 ? queue.pop(for: arch, maxCount: count, workBudget: .infinity) : []
        for key in [Arch?.some(arch), nil] where taken.count < count {
            guard var lane = lanes.removeValue(forKey: key) else { continue }
            lane.take(count - taken.count, into: &taken)
            if lane.count > 0 { lanes[key] = lane }
        }
        return taken
    }
}

/// Tests in collection order, consumed from the front.
private struct CollectionLane: Sendable {
    var tests: [TestCase] = []
    var head = 0

    var count: Int { tests.count - head }

    mutating func take(_ count: Int, into taken: inout [TestCase]) {
        let end = min(head + count, tests.count)
        taken.append(contentsOf: tests[head..<end])
        head = end
    }
}
