/// The tallies behind `InfrastructureEffects.detect`, fed one evidence record at a time, so a
/// history read from the store pass by pass (`FlakyAnalyzer.analyzeStreamed`) finds the same
/// outages and bad workers as a history held whole, without holding its records.
///
/// A worker is judged against the other workers *of its arch* (in the same build for a cell,
/// over the history overall), so a test broken on aarch64 does not make the aarch64 pool look
/// bad. Outages are judged after bad cells are set aside, so one bad worker running a third of
/// a build is a bad worker, not an outage.
struct InfrastructureDetector {
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

    let buildCount: Int
    /// Per build and arch (index build * 2 + arch).
    private var buildArch: [Tally]
    /// Per (build, worker) cell (`InfrastructureEffects.cellKey`).
    private var cells: [Int64: Tally] = [:]
    /// The arch of each worker's latest record.
    private var workerArch: [Int32: Int] = [:]
    /// The distinct tests whose failures count against each cell: a bad worker fails many
    /// different tests, while one flaky test failing where it happened to run is the test's.
    private var cellTests: [Int64: Set<Int32>] = [:]

    init(buildCount: Int) {
        self.buildCount = buildCount
        buildArch = [Tally](repeating: Tally(), count: buildCount * 2)
    }

    /// Adds one evidence record (`isEvidence`), in history order. `testCaused`: the record is a
    /// failure of a (build, test) whose failures are the test's own (`FailureFold`).
    mutating func add(_ record: AttemptRecord, testCaused: Bool) {
        let arm = record.arch == .x86_64 ? 0 : 1
        buildArch[Int(record.build) * 2 + arm].add(record)
        let key = InfrastructureEffects.cellKey(build: record.build, worker: record.worker)
        if testCaused {
            // The test fails wherever it runs: the attempt counts, its failure is not the worker's.
            cells[key, default: Tally()].attempts += 1
        } else {
            cells[key, default: Tally()].add(record)
            if record.outcome.isFailure { cellTests[key, default: []].insert(record.test) }
        }
        workerArch[record.worker] = arm
    }

    /// Bad cells, outage builds and bad workers from the tallies.
    func effects(configuration: AnalyzerConfiguration) -> InfrastructureEffects {
        var badCells = Set<Int64>()
        var setAside = [Tally](repeating: Tally(), count: buildCount)
        for (key, cell) in cells {
            let build = Int(key >> 32)
            let worker = Int32(truncatingIfNeeded: key)
            let pool = buildArch[build * 2 + (workerArch[worker] ?? 0)]
            let restAttempts = pool.attempts - cell.attempts
            let restShare = restAttempts > 0 ? Double(pool.failures - cell.failures) / Double(restAttempts) : 0
            if InfrastructureEffects.isBad(attempts: cell.attempts, failures: cell.failures, tests: cellTests[key]?.count ?? 0,
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
            if InfrastructureEffects.isBad(attempts: total.attempts, failures: total.failures, tests: workerTests[worker]?.count ?? 0,
                                           restShare: restShare, configuration: configuration) {
                badWorkers.insert(worker)
            }
        }
        return InfrastructureEffects(outageBuilds: outage, buildFailureShare: share, badWorkers: badWorkers,
                                     badCells: badCells)
    }
}

/// One (build, test)'s failures, to tell whether they are the test's own: it failed on two or
/// more workers of the build, or failed at least twice and never passed in it. A bad worker's
/// failures pass when retried elsewhere; a broken test's do not, and a break whose retries
/// happened to land on one worker must not make that worker look bad (that would discount the
/// first failing build and date the break one commit late).
struct FailureFold {
    private var firstWorker: Int32?
    private var count = 0
    private var workers = 0
    /// The test passed in the same build.
    var passed = false

    /// Adds a failed evidence attempt on `worker`.
    mutating func addFailure(worker: Int32) {
        if let firstWorker {
            count += 1
            if firstWorker != worker { workers = 2 }
        } else {
            firstWorker = worker
            count = 1
            workers = 1
        }
    }

    var hasFailures: Bool { count > 0 }
    var isTestCaused: Bool { workers > 1 || (count > 1 && !passed) }
}
