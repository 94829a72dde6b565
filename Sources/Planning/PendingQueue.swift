public import Model

/// Tests waiting to run, kept longest-predicted-first in one lane per arch constraint, with
/// requeued work (from a lost worker) served before anything else. "Longest" is
/// `TestCase.queueKey`: grouped tests (a pytest suite's, see `CollectionOrder`) sort by their
/// group's work and stay together in their given order; work budgets always count each test's
/// own prediction.
///
/// Tests with a `home` (any arch) wait in their home's lane: a worker asking with that home
/// takes them as if they were in the any-arch lane, and any other worker takes them only once
/// nothing else it could run waits, from a later home if one has work (see `pop`).
public struct PendingQueue: Sendable {
    /// Lanes: tests any worker may run, tests pinned to one arch, tests with a home.
    private var anyArch = Lane()
    private var pinned: [Arch: Lane] = [:]
    private var homed: [UInt8: Lane] = [:]

    /// Homes whose worker is still there to run them; the coordinator keeps it current. A home
    /// not in it lends to anyone (see `pop`).
    public var attendedHomes: Set<UInt8> = []

    /// Predicted seconds an earlier, attended home must still hold before a worker that ran out
    /// borrows from it. Why: those tests would run after later ones in the borrower's session,
    /// which a plain run never does, and a test that a later module breaks for the rest of its
    /// process then fails (pyrsistent: 127–141 tests of a later build ran after `vector_test.py`
    /// had reloaded `pyrsistent._pvector`, and 3–18 of them failed until retried). When less
    /// than this waits, the home's own worker runs it once its long test ends, and the build
    /// ends at most about this much later.
    public static let earlierHomeFloorSeconds = 0.25

    /// What a new process of the suite pays for what it makes once (`PlannedBuild.processSetupSeconds`):
    /// a borrower runs an earlier home's tests in a process of its own, behind its session's
    /// place, so the home must hold that much more than `earlierHomeFloorSeconds` to lend.
    /// wheel 0.45.1's session fixture builds its test wheels and eggs (1.7 s); its later builds
    /// lent an earlier home's last 0.4–0.7 s of tests to the other worker, where they took
    /// 2–2.6 s while the home's own worker sat idle (5.3 s builds became 7–7.7 s).
    public var processSetupSeconds = 0.0

    /// How many times their predictions this build's tests of a file took, for the files (by
    /// `TestFile.of`) where a first attempt outran its prediction by far; the coordinator keeps
    /// it. An earlier home's tests of such a file weigh that much more against
    /// `earlierHomeFloorSeconds`. Why: a first build predicts every test alike (dateutil: 50 ms),
    /// and the slow ones sit together in a file. The last five of `test_tzpath_data.py`,
    /// 0.25 s predicted and 1.5–5.6 s each, stayed with their home's worker for 18 s while the
    /// other worker sat idle (first builds 19–31 s against `pytest -n 2`'s 16 s). Only a file's
    /// own results scale its tests: a slow file elsewhere says nothing of a hundred fast tests
    /// (pyrsistent, above).
    public var fileScales: [String: Double] = [:]

    public init() {}

    /// Adds tests; each lane stays sorted longest-predicted first (ties keep their given order,
    /// and tests already waiting come before equal new ones). Costs O(k log k + n) for k new
    /// tests and n waiting ones: the new tests are sorted and merged, never the whole lane.
    public mutating func add(_ tests: [TestCase]) {
        guard !tests.isEmpty else { return }
        if tests.allSatisfy({ $0.arch == nil && $0.home == nil }) {
            anyArch.add(tests)
            return
        }
        var byLane: [Arch?: [TestCase]] = [:]
        var byHome: [UInt8: [TestCase]] = [:]
        for test in tests {
            if test.arch == nil, let home = test.home { byHome[home, default: []].append(test) } else { byLane[test.arch, default: []].append(test) }
        }
        for (arch, list) in byLane {
            if let arch { pinned[arch, default: Lane()].add(list) } else { anyArch.add(list) }
        }
        for (home, list) in byHome { homed[home, default: Lane()].add(list) }
    }

    /// Puts tests back at the very front: work of a lost worker goes out before anything else, in
    /// the given order within each lane (between lanes, the longer head first).
    public mutating func requeueFirst(_ tests: [TestCase]) {
        for test in tests.reversed() {
            if let arch = test.arch { pinned[arch, default: Lane()].pushUrgent(test) } else { anyArch.pushUrgent(test) }
        }
    }

    /// Tests waiting in all lanes.
    public var count: Int { anyArch.count + pinned.values.reduce(0) { $0 + $1.count } + homedCount }

    public var isEmpty: Bool { count == 0 }

    /// Tests a worker of `arch` could take.
    public func count(for arch: Arch) -> Int { anyArch.count + (pinned[arch]?.count ?? 0) + homedCount }

    /// Predicted seconds of work a worker of `arch` could take.
    public func predictedWork(for arch: Arch) -> Double { anyArch.work + (pinned[arch]?.work ?? 0) + homedWork }

    /// Predicted seconds of work in all lanes.
    public var predictedWork: Double { anyArch.work + pinned.values.reduce(0) { $0 + $1.work } + homedWork }

    private var homedCount: Int { homed.values.reduce(0) { $0 + $1.count } }
    private var homedWork: Double { homed.values.reduce(0) { $0 + $1.work } }

    /// The test a worker of `arch` would get next (requeued work first, then the longest), or
    /// nil when none waits.
    public func peekLongest(for arch: Arch) -> TestCase? {
        let lane = pinned[arch] ?? Lane()
        if let head = lane.isAhead(of: anyArch) ? lane.peek() : anyArch.peek() { return head }
        return homed.values.compactMap { $0.peek() }.max { $0.queueKey < $1.queueKey }
    }

    /// Removes up to `maxCount` tests for a worker of `arch`, longest first (urgent ones first of
    /// all), stopping once their predicted work reaches `workBudget`, or, once it holds `floor`,
    /// at the test nearest the budget (`Budget.stops`; nil: never short of it). At least one test
    /// is taken.
    /// A worker with a `home` takes that home's tests as any-arch ones; once nothing else it
    /// could run waits, it takes from the home with the most work left of those after its own,
    /// or of all when none after it has any (an earlier home whose worker is still there only
    /// when it holds `earlierHomeFloorSeconds` or more).
    public mutating func pop(for arch: Arch, home: UInt8? = nil, maxCount: Int, workBudget: Double,
                             shortOfBudgetFrom floor: Double? = nil) -> [TestCase] {
        let budget = Budget(work: workBudget, floor: floor ?? workBudget)
        // The common case — one lane has work for this arch and nothing is requeued — takes a
        // contiguous run of the sorted lane in one copy.
        if homed.isEmpty && maxCount > 0 && !anyArch.hasUrgent && (pinned[arch]?.count ?? 0) == 0 {
            return anyArch.popRun(maxCount: maxCount, budget: budget)
        }
        var own = home.flatMap { homed.removeValue(forKey: $0) } ?? Lane()
        defer { if let home, own.count > 0 { homed[home] = own } }
        let taken = popMerged(&own, for: arch, maxCount: maxCount, budget: budget)
        if !taken.isEmpty || maxCount <= 0 { return taken }
        // Nothing else waits for this worker: a home after its own lends some, as their tests
        // come after everything its session ran, as in a plain run (see
        // `PlannedBuild.earlierRunsLighter`); only without one, any. Of those, the one with the
        // most work left.
        let later = home.map { own in homed.filter { $0.key > own } } ?? [:]
        guard let richest = (later.isEmpty ? homed : later)
            .max(by: { $0.value.work < $1.value.work || ($0.value.work == $1.value.work && $0.key > $1.key) })?.key,
              var lane = homed[richest]
        else { return [] }
        let floor = Self.earlierHomeFloorSeconds + processSetupSeconds
        if let home, richest < home, attendedHomes.contains(richest), lane.work < floor,
           lane.expectedWork(scaling: fileScales) < floor
        {
            return []
        }
        homed[richest] = nil
        let run = lane.popRun(maxCount: maxCount, budget: budget)
        if lane.count > 0 { homed[richest] = lane }
        return run
    }

    /// Removes the tests waiting right behind `test` in its lane that continue its run: the same
    /// queue key, suite and unit (`TestFile.unit`). The coordinator adds them to a grant that a
    /// budget cut inside a long test's unit, which goes ahead whole (`CollectionOrder`), so the
    /// unit runs in one process as in a plain run.
    public mutating func popRest(ofUnitOf test: TestCase) -> [TestCase] {
        let unit = TestFile.unit(of: test.name)
        var taken: [TestCase] = []
        func drain(_ lane: inout Lane) {
            while !lane.hasUrgent, let next = lane.peek(), next.queueKey == test.queueKey, next.suite == test.suite,
                  next.arch == test.arch, TestFile.unit(of: next.name) == unit {
                taken.append(lane.pop())
            }
        }
        if let home = test.home, test.arch == nil {
            drain(&homed[home, default: Lane()])
            if homed[home]?.count == 0 { homed[home] = nil }
        } else if let arch = test.arch {
            drain(&pinned[arch, default: Lane()])
            if pinned[arch]?.count == 0 { pinned[arch] = nil }
        } else {
            drain(&anyArch)
        }
        return taken
    }

    /// `pop` over the pinned lane, the any-arch lane and `own` (the asking worker's home; empty
    /// when it has none), one test at a time: urgent work first, then the larger key; on equal
    /// keys the home's tests, then pinned ones, then any-arch ones.
    private mutating func popMerged(_ own: inout Lane, for arch: Arch, maxCount: Int, budget: Budget) -> [TestCase] {
        // The pinned lane is moved out of the dictionary while popping, so every pop mutates it in
        // place instead of going through a dictionary lookup per test.
        var lane = pinned.removeValue(forKey: arch) ?? Lane()
        defer { if lane.count > 0 { pinned[arch] = lane } }
        var taken: [TestCase] = []
        var work = 0.0
        while taken.count < maxCount {
            let fromOwn = own.isAhead(of: lane) && own.isAhead(of: anyArch)
            let fromPinned = !fromOwn && lane.isAhead(of: anyArch)
            guard let next = fromOwn ? own.peek() : fromPinned ? lane.peek() : anyArch.peek() else { break }
            if !taken.isEmpty && budget.stops(taken: work, next: next.predicted) { break }
            let test = fromOwn ? own.pop() : fromPinned ? lane.pop() : anyArch.pop()
            work += test.predicted
            taken.append(test)
        }
        return taken
    }

    /// Removes every waiting test, for planners that fix their whole plan up front: requeued tests
    /// first, then all lanes merged longest-predicted first (ties: the any-arch lane, then pinned
    /// lanes in `Arch` order, each in its own order).
    public mutating func removeAll() -> [TestCase] {
        var lanes = [anyArch] + Arch.allCases.compactMap { pinned[$0] } + homed.keys.sorted().compactMap { homed[$0] }
        anyArch = Lane()
        pinned = [:]
        homed = [:]
        var urgent: [TestCase] = []
        var rest: [TestCase] = []
        for index in lanes.indices {
            while lanes[index].hasUrgent { urgent.append(lanes[index].pop()) }
            rest.append(contentsOf: lanes[index].remainingSorted)
        }
        return urgent + Lane.sortedLongestFirst(rest)
    }
}

/// One lane: requeued tests first, then the rest longest-first. The tests stay in the array they
/// were added in (shared with the caller's array, not copied) and the lane keeps a sorted
/// permutation of positions into it, consumed from the front: sorting and merging move 4-byte
/// positions, never the test values.
private struct Lane: Sendable {
    /// Requeued tests, the next one last (so taking one is a `popLast`).
    var urgent: [TestCase] = []
    /// Every test added since the lane was last empty, in the order added.
    var storage: [TestCase] = []
    /// Positions in `storage`, longest predicted first; `order[head...]` are still waiting.
    var order: [UInt32] = []
    var head = 0
    var work = 0.0

    var count: Int { urgent.count + order.count - head }
    var hasUrgent: Bool { !urgent.isEmpty }
    var remainingSorted: [TestCase] { order[head...].map { storage[Int($0)] } }

    /// `work`, with the tests of the files in `scales` weighed that many times their
    /// predictions (the first 256 tests; the rest as predicted).
    func expectedWork(scaling scales: [String: Double]) -> Double {
        guard !scales.isEmpty else { return work }
        let first = urgent.prefix(256) + order[head...].prefix(max(0, 256 - urgent.count)).map { storage[Int($0)] }
        return first.reduce(work) { total, test in
            total + test.predicted * max(0, (scales[String(TestFile.of(test.name))] ?? 1) - 1)
        }
    }

    mutating func pushUrgent(_ test: TestCase) {
        urgent.append(test)
        work += test.predicted
    }

    mutating func add(_ tests: [TestCase]) {
        work += tests.reduce(0) { $0 + $1.predicted }
        if head == order.count {
            // Nothing sorted is waiting: start over on the caller's array.
            storage = tests
            order = Self.longestFirstOrder(tests[...], offset: 0)
            head = 0
            return
        }
        let offset = storage.count
        precondition(offset + tests.count < Int(UInt32.max), "a lane holds fewer than 2^32 tests")
        storage.append(contentsOf: tests)
        let incoming = Self.longestFirstOrder(tests[...], offset: offset)
        // Merge: on equal predictions the test that was already waiting goes first.
        var merged: [UInt32] = []
        merged.reserveCapacity(order.count - head + incoming.count)
        var i = head, j = 0
        while i < order.count && j < incoming.count {
            if storage[Int(incoming[j])].queueKey > storage[Int(order[i])].queueKey {
                merged.append(incoming[j]); j += 1
            } else {
                merged.append(order[i]); i += 1
            }
        }
        merged.append(contentsOf: order[i...])
        merged.append(contentsOf: incoming[j...])
        order = merged
        head = 0
    }

    /// Positions (plus `offset`) of `tests`, longest predicted first; equal predictions keep their
    /// given order, so a run without history is deterministic. Small inputs use a comparison
    /// sort; large ones an LSD radix sort of the predictions' bit patterns (stable by
    /// construction, and several times faster on a million tests).
    static func longestFirstOrder(_ tests: ArraySlice<TestCase>, offset: Int) -> [UInt32] {
        let base = tests.startIndex
        var positions = (0..<tests.count).map { UInt32($0 + offset) }
        if tests.count < 512 {
            positions.sort { l, r in
                let a = tests[base + Int(l) - offset].queueKey, b = tests[base + Int(r) - offset].queueKey
                return a != b ? a > b : l < r
            }
            return positions
        }
        var keys = tests.map { ~Self.orderedBits($0.queueKey) }
        RadixSort.sort(&keys, carrying: &positions)
        return positions
    }

    /// Sorts tests longest predicted first (stable), for `PendingQueue.removeAll`.
    static func sortedLongestFirst(_ tests: [TestCase]) -> [TestCase] {
        longestFirstOrder(tests[...], offset: 0).map { tests[Int($0)] }
    }

    /// A double's bits as an unsigned integer that orders like the double (negatives flipped).
    static func orderedBits(_ value: Double) -> UInt64 {
        let bits = value.bitPattern
        return bits >> 63 == 1 ? ~bits : bits | (1 << 63)
    }

    /// Takes the longest tests (no urgent ones wait) until `maxCount` or the work budget is
    /// reached (`Budget.stops`), at least one.
    mutating func popRun(maxCount: Int, budget: Budget) -> [TestCase] {
        var end = head, taken = 0.0
        while end < order.count && end - head < maxCount {
            let next = storage[Int(order[end])].predicted
            if end > head && budget.stops(taken: taken, next: next) { break }
            taken += next
            end += 1
        }
        let run = order[head..<end].map { storage[Int($0)] }
        head = end
        work -= taken
        releaseIfDrained()
        return run
    }

    func peek() -> TestCase? { urgent.last ?? (head < order.count ? storage[Int(order[head])] : nil) }

    /// Whether this lane's head goes before `other`'s: it has one and `other` has none, or it is
    /// urgent (requeued) and `other`'s is not, or, as urgent as it, its key is at least as large.
    func isAhead(of other: Lane) -> Bool {
        guard let mine = peek() else { return false }
        guard let theirs = other.peek() else { return true }
        return hasUrgent != other.hasUrgent ? hasUrgent : mine.queueKey >= theirs.queueKey
    }

    mutating func pop() -> TestCase {
        let test: TestCase
        if let last = urgent.popLast() {
            test = last
        } else {
            test = storage[Int(order[head])]
            head += 1
        }
        work -= test.predicted
        releaseIfDrained()
        return test
    }

    /// Once nothing sorted waits, drops the storage (the tests have all been handed out).
    private mutating func releaseIfDrained() {
        if head == order.count {
            storage = []
            order = []
            head = 0
        }
        if count == 0 { work = 0 }
    }
}

/// How much predicted work one `pop` takes.
struct Budget {
    var work: Double
    /// A grant stops short of `work` only once it holds this much (a grant's start-up must stay
    /// a small share of it).
    var floor: Double

    /// Whether a grant already holding `taken` seconds stops before a test of `next` seconds:
    /// once the budget is reached, or, past the floor, when taking the test would overshoot the
    /// budget by more than stopping falls short of it. Two of a build's longest tests then never
    /// share a grant that one of them nearly fills (dateutil: its 4.2 s and 3.1 s tests went to
    /// one worker in one 5 s grant, and that worker ran 2.5 s longer than the other).
    func stops(taken: Double, next: Double) -> Bool {
        taken >= work || (taken >= floor && taken + next - work > work - taken)
    }
}
