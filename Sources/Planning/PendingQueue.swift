import Model

/// Tests waiting to run, kept longest-predicted-first in one lane per arch constraint, with
/// requeued work (from a lost worker) served before anything else.
public struct PendingQueue: Sendable {
    /// Lanes: tests any worker may run, and tests pinned to one arch.
    private var anyArch = Lane()
    private var pinned: [Arch: Lane] = [:]

    public init() {}

    /// Adds tests; each lane stays sorted longest-predicted first (ties keep their given order).
    public mutating func add(_ tests: [TestCase]) {
        var byLane: [Arch?: [TestCase]] = [:]
        for test in tests { byLane[test.arch, default: []].append(test) }
        for (arch, list) in byLane {
            if let arch { pinned[arch, default: Lane()].add(list) } else { anyArch.add(list) }
        }
    }

    /// Puts tests back at the very front (work of a lost worker goes out first).
    public mutating func requeueFirst(_ tests: [TestCase]) {
        for test in tests {
            if let arch = test.arch { pinned[arch, default: Lane()].urgent.append(test) } else { anyArch.urgent.append(test) }
        }
    }

    /// Tests waiting in all lanes.
    public var count: Int { anyArch.count + pinned.values.reduce(0) { $0 + $1.count } }

    public var isEmpty: Bool { count == 0 }

    /// Tests a worker of `arch` could take.
    public func count(for arch: Arch) -> Int { anyArch.count + (pinned[arch]?.count ?? 0) }

    /// Predicted seconds of work a worker of `arch` could take.
    public func predictedWork(for arch: Arch) -> Double { anyArch.work + (pinned[arch]?.work ?? 0) }

    /// Predicted seconds of work in all lanes.
    public var predictedWork: Double { anyArch.work + pinned.values.reduce(0) { $0 + $1.work } }

    /// The longest predicted test a worker of `arch` would get next, or nil when none waits.
    public func peekLongest(for arch: Arch) -> TestCase? {
        let candidates = [pinned[arch]?.peek(), anyArch.peek()].compactMap { $0 }
        return candidates.max { $0.predicted < $1.predicted }
    }

    /// Removes up to `maxCount` tests for a worker of `arch`, longest first (urgent ones first of
    /// all), stopping once their predicted work reaches `workBudget` (at least one test is taken).
    public mutating func pop(for arch: Arch, maxCount: Int, workBudget: Double) -> [TestCase] {
        var taken: [TestCase] = []
        var work = 0.0
        while taken.count < maxCount {
            if !taken.isEmpty && work >= workBudget { break }
            let fromPinned = pinned[arch]?.peek()
            let fromAny = anyArch.peek()
            let usePinned: Bool
            switch (fromPinned, fromAny) {
            case (nil, nil): return taken
            case (.some, nil): usePinned = true
            case (nil, .some): usePinned = false
            case (.some(let p), .some(let a)):
                // Urgent (requeued) work first, then the longer test.
                let pUrgent = pinned[arch]!.hasUrgent, aUrgent = anyArch.hasUrgent
                usePinned = pUrgent != aUrgent ? pUrgent : p.predicted >= a.predicted
            }
            let test = usePinned ? pinned[arch]!.pop() : anyArch.pop()
            work += test.predicted
            taken.append(test)
        }
        return taken
    }
}

/// One lane: requeued tests first, then a longest-first array consumed from the front.
private struct Lane: Sendable {
    var urgent: [TestCase] = []
    var sorted: [TestCase] = []
    var head = 0
    var work = 0.0

    var count: Int { urgent.count + sorted.count - head }
    var hasUrgent: Bool { !urgent.isEmpty }

    mutating func add(_ tests: [TestCase]) {
        var rest = Array(sorted[head...])
        rest.append(contentsOf: tests)
        // Stable: equal predictions keep their order, so a run without history is deterministic.
        sorted = rest.enumerated().sorted { l, r in
            l.element.predicted != r.element.predicted ? l.element.predicted > r.element.predicted : l.offset < r.offset
        }.map(\.element)
        head = 0
        work += tests.reduce(0) { $0 + $1.predicted }
    }

    func peek() -> TestCase? { urgent.last ?? (head < sorted.count ? sorted[head] : nil) }

    mutating func pop() -> TestCase {
        let test: TestCase
        if let last = urgent.popLast() {
            test = last
        } else {
            test = sorted[head]
            head += 1
            if head > 4096 && head * 2 > sorted.count {
                sorted.removeFirst(head)
                head = 0
            }
        }
        work -= test.predicted
        if count == 0 { work = 0 }
        return test
    }
}
