extension PlannedBuild {
    /// Gives each test of a suite whose first listing the workers shared the share that
    /// collected its file as its home (`TestCase.home`), and each worker its share (`homes`;
    /// worker `i` of `workers` collected share `i`): that worker's warm session runs the test
    /// without collecting its file again, and another worker takes it only once its own work ran
    /// out. `shareOfFile`: suite name → file (`TestFile.of` a test) → share. Tests pinned to an
    /// arch, and suites listed any other way, keep no home.
    public mutating func giveHomes(shareOfFile: [String: [String: Int]], workers: [String]) {
        let shares = suites.map { shareOfFile[$0.name] ?? [:] }
        guard shares.contains(where: { !$0.isEmpty }) else { return }
        for index in tests.indices where tests[index].arch == nil {
            guard let share = shares[tests[index].suite][String(TestFile.of(tests[index].name))] else { continue }
            tests[index].home = UInt8(share)
        }
        for (share, worker) in workers.enumerated() { homes[worker] = UInt8(share) }
    }
}

extension PlannedBuild {
    /// Gives a later build's tests of `suites` (suites a warm pytest session runs, queued in
    /// their collection order) homes in contiguous runs: worker `i` of `workers` gets the `i`th
    /// of as many runs of about equal predicted work, each cut where a unit (`TestFile.unit`: a
    /// top-level class or function) ends. Each worker's session then collects the units of its
    /// own run, and another session collects one only when it borrows that unit's tests after
    /// its own run is done. Without homes the queue dealt each suite out in turns, so both
    /// sessions collected nearly every unit: jsonschema's one 7,255-test file cost each of them
    /// 1.4 s.
    ///
    /// Only tests that wait at their suite's shared queue key get a home (`CollectionOrder`): a
    /// long test that goes out on its own, and the previous build's failures (`FailedFirst`),
    /// stay for any worker to take first. Tests pinned to an arch keep none. Nothing changes with
    /// fewer than two workers, or when a test already has a home (a first build's shared
    /// listing gave them).
    public mutating func giveHomes(inRunsOf suites: Set<Int>, workers: [String]) {
        guard workers.count > 1, workers.count <= Int(UInt8.max), !suites.isEmpty,
              !tests.contains(where: { $0.home != nil }) else { return }
        var given = false
        for suite in suites {
            let candidates = tests.indices.filter { tests[$0].suite == suite && tests[$0].arch == nil }
            guard let shared = Self.sharedGroupWork(candidates.map { tests[$0].groupWork }), shared > 0 else { continue }
            let members = candidates.filter { tests[$0].groupWork == shared }
            let runs = Self.runs(of: members.map { (unit: TestFile.unit(of: tests[$0].name), work: max(tests[$0].predicted, 0)) },
                                 count: workers.count)
            for (position, index) in members.enumerated() { tests[index].home = runs[position] }
            given = given || !members.isEmpty
        }
        guard given else { return }
        for (run, worker) in workers.enumerated() { homes[worker] = UInt8(run) }
    }

    /// The queue key most of a suite's tests share (`CollectionOrder` keeps them in order under
    /// it; ties: the smallest), given their keys; nil for none. A test with another key was sent
    /// out of that order on purpose: a long one (its own prediction), a failure of the previous
    /// build (`FailedFirst`: above every other key).
    public static func sharedGroupWork(_ keys: [Double]) -> Double? {
        var counts: [Double: Int] = [:]
        for key in keys { counts[key, default: 0] += 1 }
        return counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) })?.key
    }

    /// How much lighter than the last run the first is, as a fraction of an even share (runs in
    /// between in proportion): 0.2 gives two workers 45 % and 55 % of the predicted work.
    ///
    /// Why: a worker that runs out of its own run borrows another's unstarted tests. Borrowed
    /// from a later run, they come after everything its session ran, as in a plain run; borrowed
    /// from an earlier one, they run after later modules' tests, and a test that a later module
    /// breaks for the rest of its process fails there (pyrsistent: `vector_test.py` reloads
    /// `pyrsistent._pvector`, and 3–29 `checked_*` tests then failed their first attempt in 2 of
    /// 6 later builds, all passing on retry and recorded as flaky). With equal runs, which worker
    /// finishes first is a coin toss; with earlier runs lighter, the earlier worker does more
    /// often, and the borrowing that evens out the end goes the in-order way (djangorestframework:
    /// tests run after a later one in 5 of 24 later builds, against 9 of 12). Long tests that go
    /// out on their own (no home) still decide who finishes first where they dominate.
    static let earlierRunsLighter = 0.2

    /// The share of the total work that runs `0..<run` of `count` hold (see `earlierRunsLighter`).
    static func share(before run: Int, of count: Int) -> Double {
        guard count > 1 else { return Double(run) }
        let weights = (0..<run).map { 1 + earlierRunsLighter * (Double($0) / Double(count - 1) - 0.5) }
        return weights.reduce(0, +) / Double(count)
    }

    /// The run (0..<count) of each of `tests`, in order: contiguous runs of about their share of
    /// the work (earlier runs a little lighter, see `earlierRunsLighter`), each cut at the unit
    /// boundary nearest its share.
    static func runs(of tests: [(unit: Substring, work: Double)], count: Int) -> [UInt8] {
        guard !tests.isEmpty, count > 1 else { return [UInt8](repeating: 0, count: tests.count) }
        // Where each unit ends (an index into `tests`) and the work up to there.
        var ends: [(end: Int, work: Double)] = []
        var total = 0.0
        for (index, test) in tests.enumerated() {
            total += test.work
            if index + 1 == tests.count || tests[index + 1].unit != test.unit { ends.append((index + 1, total)) }
        }
        var cuts: [Int] = []
        var next = 0
        for run in 1..<count {
            let target = total * share(before: run, of: count)
            // The first boundary at or past the target, or the one before it when that is nearer.
            while next < ends.count - 1 && ends[next].work < target { next += 1 }
            var pick = next
            if pick > 0, target - ends[pick - 1].work < ends[pick].work - target { pick -= 1 }
            cuts.append(max(ends[pick].end, cuts.last ?? 0))
        }
        var assigned = [UInt8](repeating: 0, count: tests.count)
        var run = 0
        for index in tests.indices {
            while run < cuts.count && index >= cuts[run] { run += 1 }
            assigned[index] = UInt8(run)
        }
        return assigned
    }
}
