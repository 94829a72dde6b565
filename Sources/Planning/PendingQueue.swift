public import Model

/// Tests waiting to run, kept longest-predicted-first in one lane per arch constraint, with
/// requeued work (from a lost worker) served before anything else.
public struct PendingQueue: Sendable {
    /// Lanes: tests any worker may run, and tests pinned to one arch.
    private var anyArch = Lane()
    private var pinned: [Arch: Lane] = [:]

    public init() {}

    /// Adds tests; each lane stays sorted longest-predicted first (ties keep their given order,
    /// and tests already waiting come before equal new ones). Costs O(k log k + n) for k new
    /// tests and n waiting ones: the new tests are sorted and merged, never the whole lane.
    public mutating func add(_ tests: [TestCase]) {
        guard !tests.isEmpty else { return }
        if tests.allSatisfy({ $0.arch == nil }) {
            anyArch.add(tests)
            return
        }
        var byLane: [Arch?: [TestCase]] = [:]
        for test in tests { byLane[test.arch, default: []].append(test) }
        for (arch, list) in byLane {
            if let arch { pinned[arch, default: Lane()].add(list) } else { anyArch.add(list) }
        }
    }

    /// Puts tests back at the very front: work of a lost worker goes out before anything else, in
    /// the given order within each lane (between lanes, the longer head first).
    public mutating func requeueFirst(_ tests: [TestCase]) {
        for test in tests.reversed() {
            if let arch = test.arch { pinned[arch, default: Lane()].pushUrgent(test) } else { anyArch.pushUrgent(test) }
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

    /// The test a worker of `arch` would get next (requeued work first, then the longest), or
    /// nil when none waits.
    public func peekLongest(for arch: Arch) -> TestCase? {
        let lane = pinned[arch]
        switch (lane?.peek(), anyArch.peek()) {
        case (nil, nil): return nil
        case (let p?, nil): return p
        case (nil, let a?): return a
        case (let p?, let a?): return Self.prefersPinned(lane!, p, anyArch, a) ? p : a
        }
    }

    /// Removes up to `maxCount` tests for a worker of `arch`, longest first (urgent ones first of
    /// all), stopping once their predicted work reaches `workBudget` (at least one test is taken).
    public mutating func pop(for arch: Arch, maxCount: Int, workBudget: Double) -> [TestCase] {
        var taken: [TestCase] = []
        var work = 0.0
        // The pinned lane is moved out of the dictionary while popping, so every pop mutates it in
        // place instead of going through a dictionary lookup per test.
        var lane = pinned.removeValue(forKey: arch) ?? Lane()
        defer { if lane.count > 0 { pinned[arch] = lane } }
        while taken.count < maxCount {
            if !taken.isEmpty && work >= workBudget { break }
            let test: TestCase
            switch (lane.peek(), anyArch.peek()) {
            case (nil, nil): return taken
            case (.some, nil): test = lane.pop()
            case (nil, .some): test = anyArch.pop()
            case (let p?, let a?): test = Self.prefersPinned(lane, p, anyArch, a) ? lane.pop() : anyArch.pop()
            }
            work += test.predicted
            taken.append(test)
        }
        return taken
    }

    /// Removes every waiting test, for planners that fix their whole plan up front: requeued tests
    /// first, then all lanes merged longest-predicted first (ties: the any-arch lane, then pinned
    /// lanes in `Arch` order, each in its own order).
    public mutating func removeAll() -> [TestCase] {
        var lanes = [anyArch] + Arch.allCases.compactMap { pinned[$0] }
        anyArch = Lane()
        pinned = [:]
        var urgent: [TestCase] = []
        var rest: [TestCase] = []
        for index in lanes.indices {
            while lanes[index].hasUrgent { urgent.append(lanes[index].pop()) }
            rest.append(contentsOf: lanes[index].remainingSorted)
        }
        return urgent + Lane.sortedLongestFirst(rest)
    }

    /// Between the heads of two lanes: urgent (requeued) work first, then the longer test.
    private static func prefersPinned(_ pinnedLane: Lane, _ p: TestCase, _ anyLane: Lane, _ a: TestCase) -> Bool {
        let pUrgent = pinnedLane.hasUrgent, aUrgent = anyLane.hasUrgent
        return pUrgent != aUrgent ? pUrgent : p.predicted >= a.predicted
    }
}

/// One lane: requeued tests first, then a longest-first array consumed from the front.
private struct Lane: Sendable {
    /// Requeued tests, the next one last (so taking one is a `popLast`).
    var urgent: [TestCase] = []
    var sorted: [TestCase] = []
    var head = 0
    var work = 0.0

    var count: Int { urgent.count + sorted.count - head }
    var hasUrgent: Bool { !urgent.isEmpty }
    var remainingSorted: ArraySlice<TestCase> { sorted[head...] }

    mutating func pushUrgent(_ test: TestCase) {
        urgent.append(test)
        work += test.predicted
    }

    mutating func add(_ tests: [TestCase]) {
        let incoming = Self.sortedLongestFirst(tests[...])
        work += tests.reduce(0) { $0 + $1.predicted }
        if head == sorted.count {
            sorted = incoming
            head = 0
            return
        }
        // Merge: on equal predictions the test that was already waiting goes first.
        var merged: [TestCase] = []
        merged.reserveCapacity(sorted.count - head + incoming.count)
        var i = head, j = 0
        while i < sorted.count && j < incoming.count {
            if incoming[j].predicted > sorted[i].predicted {
                merged.append(incoming[j]); j += 1
            } else {
                merged.append(sorted[i]); i += 1
            }
        }
        merged.append(contentsOf: sorted[i...])
        merged.append(contentsOf: incoming[j...])
        sorted = merged
        head = 0
    }

    /// A stable longest-first sort. It sorts (prediction, position) pairs rather than the test
    /// values themselves: small plain keys compare and move cheaply, and the position makes equal
    /// predictions keep their given order, so a run without history is deterministic.
    static func sortedLongestFirst(_ tests: ArraySlice<TestCase>) -> [TestCase] {
        var keys: [(predicted: Double, position: Int)] = []
        keys.reserveCapacity(tests.count)
        for (position, test) in zip(tests.indices, tests) { keys.append((test.predicted, position)) }
        keys.sort { $0.predicted != $1.predicted ? $0.predicted > $1.predicted : $0.position < $1.position }
        return keys.map { tests[$0.position] }
    }

    static func sortedLongestFirst(_ tests: [TestCase]) -> [TestCase] { sortedLongestFirst(tests[...]) }

    func peek() -> TestCase? { urgent.last ?? (head < sorted.count ? sorted[head] : nil) }

    mutating func pop() -> TestCase {
        let test: TestCase
        if let last = urgent.popLast() {
            test = last
        } else {
            test = sorted[head]
            head += 1
            // Drop the consumed front once it is most of the array: amortised O(1) per pop.
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
