/// Failures that belong to the infrastructure, not to tests: outage builds (most tests fail) and
/// bad workers (a worker failing far more than the rest of the fleet, in one build or overall,
/// across several tests, with failures the tests do not reproduce on other workers).
/// Their attempts are left out of every test's flakiness evidence.
public struct InfrastructureEffects: Sendable {
    /// One flag per build index: the build was an infrastructure outage.
    public var outageBuilds: [Bool]
    /// Share of first attempts that failed, per build index (0 when the build had none).
    public var buildFailureShare: [Double]
    /// Workers flagged over the whole history (every attempt they ran is discounted).
    public var badWorkers: Set<Int32>
    /// (build, worker) cells flagged on their own, keyed by `cellKey`.
    public var badCells: Set<Int64>

    /// A (build, test) pair as one key, for `testCausedFailures`.
    static func testKey(build: Int32, test: Int32) -> Int64 { Int64(build) << 32 | Int64(UInt32(bitPattern: test)) }

    @inlinable
    static func cellKey(build: Int32, worker: Int32) -> Int64 { Int64(build) << 32 | Int64(UInt32(bitPattern: worker)) }

    /// Whether a record's attempt is discounted as infrastructure noise.
    @inlinable
    public func excludes(_ record: AttemptRecord) -> Bool {
        if outageBuilds[Int(record.build)] { return true }
        if badWorkers.isEmpty && badCells.isEmpty { return false }
        return badWorkers.contains(record.worker)
            || badCells.contains(Self.cellKey(build: record.build, worker: record.worker))
    }

    /// The builds (indices) in which a worker was flagged, by worker id; every build it ran in
    /// for a worker flagged overall.
    public func flaggedBuildsByWorker() -> [Int32: [Int32]] {
        var result: [Int32: [Int32]] = [:]
        for key in badCells { result[Int32(truncatingIfNeeded: key), default: []].append(Int32(key >> 32)) }
        for worker in badWorkers where result[worker] == nil { result[worker] = [] }
        return result.mapValues { $0.sorted() }
    }

    /// Finds bad workers and outage builds in one pass over the records plus one over the cells.
    ///
    /// A worker is judged against the other workers *of its arch* (in the same build for a cell,
    /// over the history overall), so a test broken on aarch64 does not make the aarch64 pool look
    /// bad. Outages are judged after bad cells are set aside, so one bad worker running a third of
    /// a build is a bad worker, not an outage.
    public static func detect(in history: AttemptHistory, configuration: AnalyzerConfiguration) -> InfrastructureEffects {
        struct Tally {
            var attempts = 0, failures = 0, firstAttempts = 0, firstFailures = 0
            mutating func add(_ record: AttemptRecord) {
                let failed = record.outcome.isFailure
                attempts += 1
                if failed { failures += 1 }
                if record.attempt <= 1 {
                    firstAttempts += 1
                    if failed { firstFailures += 1 }
                }
            }
        }
        let buildCount = history.builds.count
        // Per build and arch (index build * 2 + arch), and per (build, worker) cell.
        var buildArch = [Tally](repeating: Tally(), count: buildCount * 2)
        var cells: [Int64: Tally] = [:]
        var workerArch: [Int32: Int] = [:]
        // The distinct tests whose failures count against each cell: a bad worker fails many
        // different tests, while one flaky test failing where it happened to run is the test's.
        var cellTests: [Int64: Set<Int32>] = [:]
        let testCaused = testCausedFailures(in: history)
        for record in history.records where record.isEvidence {
            let arm = record.arch == .x86_64 ? 0 : 1
            buildArch[Int(record.build) * 2 + arm].add(record)
            let key = cellKey(build: record.build, worker: record.worker)
            if record.outcome.isFailure, testCaused.contains(testKey(build: record.build, test: record.test)) {
                // The test fails wherever it runs: the attempt counts, its failure is not the worker's.
                cells[key, default: Tally()].attempts += 1
            } else {
                cells[key, default: Tally()].add(record)
                if record.outcome.isFailure { cellTests[key, default: []].insert(record.test) }
            }
            workerArch[record.worker] = arm
        }
        var badCells = Set<Int64>()
        var setAside = [Tally](repeating: Tally(), count: buildCount)
        for (key, cell) in cells {
            let build = Int(key >> 32)
            let worker = Int32(truncatingIfNeeded: key)
            let pool = buildArch[build * 2 + (workerArch[worker] ?? 0)]
            let restAttempts = pool.attempts - cell.attempts
            let restShare = restAttempts > 0 ? Double(pool.failures - cell.failures) / Double(restAttempts) : 0
            if isBad(attempts: cell.attempts, failures: cell.failures, tests: cellTests[key]?.count ?? 0,
                     restShare: restShare, configuration: configuration) {
                badCells.insert(key)
                setAside[build].firstAttempts += cell.firstAttempts
                setAside[build].firstFailures += cell.firstFailures
            }
        }
        var outage = [Bool](repeating: false, count: buildCount)
        var share = [Double](repeating: 0, count: buildCount)
        for build in 0..<buildCount {
            let first = buildArch[build * 2].firstAttempts + buildArch[build * 2 + 1].firstAttempts - setAside[build].firstAttempts
            let failed = buildArch[build * 2].firstFailures + buildArch[build * 2 + 1].firstFailures - setAside[build].firstFailures
            guard first > 0 else { continue }
            share[build] = Double(failed) / Double(first)
            outage[build] = configuration.isOutage(failed: failed, of: first)
        }
        // Workers overall, outside outages, against the rest of their arch's pool.
        var workerTotals: [Int32: Tally] = [:]
        var poolTotals = [Tally(), Tally()]
        var workerTests: [Int32: Set<Int32>] = [:]
        for (key, cell) in cells where !outage[Int(key >> 32)] {
            let worker = Int32(truncatingIfNeeded: key)
            if let tests = cellTests[key] { workerTests[worker, default: []].formUnion(tests) }
            workerTotals[worker, default: Tally()].attempts += cell.attempts
            workerTotals[worker, default: Tally()].failures += cell.failures
            poolTotals[workerArch[worker] ?? 0].attempts += cell.attempts
            poolTotals[workerArch[worker] ?? 0].failures += cell.failures
        }
        var badWorkers = Set<Int32>()
        for (worker, total) in workerTotals {
            let pool = poolTotals[workerArch[worker] ?? 0]
            let restAttempts = pool.attempts - total.attempts
            let restShare = restAttempts > 0 ? Double(pool.failures - total.failures) / Double(restAttempts) : 0
            if isBad(attempts: total.attempts, failures: total.failures, tests: workerTests[worker]?.count ?? 0,
                     restShare: restShare, configuration: configuration) {
                badWorkers.insert(worker)
            }
        }
        return InfrastructureEffects(outageBuilds: outage, buildFailureShare: share, badWorkers: badWorkers,
                                     badCells: badCells)
    }

    /// The (build, test) pairs (`testKey`) whose failures are the test's own: it failed on
    /// two or more workers of the build, or failed at least twice and never passed in it. A bad
    /// worker's failures pass when retried elsewhere; a broken test's do not, and a break whose
    /// retries happened to land on one worker must not make that worker look bad (that would
    /// discount the first failing build and date the break one commit late).
    static func testCausedFailures(in history: AttemptHistory) -> Set<Int64> {
        struct Failures { var worker: Int32; var count = 1; var workers = 1; var passed = false }
        var failures: [Int64: Failures] = [:]
        for record in history.records where record.isEvidence && record.outcome.isFailure {
            let key = testKey(build: record.build, test: record.test)
            if var seen = failures[key] {
                seen.count += 1
                if seen.worker != record.worker { seen.workers = 2 }
                failures[key] = seen
            } else {
                failures[key] = Failures(worker: record.worker)
            }
        }
        guard !failures.isEmpty else { return [] }
        for record in history.records where record.outcome == .passed {
            let key = testKey(build: record.build, test: record.test)
            if failures[key]?.passed == false { failures[key]!.passed = true }
        }
        return Set(failures.compactMap { key, seen in seen.workers > 1 || (seen.count > 1 && !seen.passed) ? key : nil })
    }

    private static func isBad(attempts: Int, failures: Int, tests: Int, restShare: Double,
                              configuration: AnalyzerConfiguration) -> Bool
    {
        guard attempts >= configuration.workerMinimumAttempts, tests >= configuration.workerMinimumFailingTests else {
            return false
        }
        let share = Double(failures) / Double(attempts)
        return share >= configuration.workerFailureShare && share >= configuration.workerFailureFactor * restShare
    }
}
