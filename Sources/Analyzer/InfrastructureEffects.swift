/// Failures that belong to the infrastructure, not to tests: outage builds (most tests fail) and
/// bad workers (a worker failing far more than the rest of the fleet, in one build or overall).
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

    /// Finds outage builds and bad workers in one pass over the records plus one over the cells.
    public static func detect(in history: AttemptHistory, configuration: AnalyzerConfiguration) -> InfrastructureEffects {
        let buildCount = history.builds.count
        var firstAttempts = [Int](repeating: 0, count: buildCount)
        var firstFailures = [Int](repeating: 0, count: buildCount)
        var buildAttempts = [Int](repeating: 0, count: buildCount)
        var buildFailures = [Int](repeating: 0, count: buildCount)
        var cells: [Int64: (attempts: Int32, failures: Int32)] = [:]
        for record in history.records where record.isEvidence {
            let build = Int(record.build)
            let failed = record.outcome.isFailure
            if record.attempt <= 1 {
                firstAttempts[build] += 1
                if failed { firstFailures[build] += 1 }
            }
            buildAttempts[build] += 1
            if failed { buildFailures[build] += 1 }
            let key = cellKey(build: record.build, worker: record.worker)
            var cell = cells[key] ?? (0, 0)
            cell.attempts += 1
            if failed { cell.failures += 1 }
            cells[key] = cell
        }
        var outage = [Bool](repeating: false, count: buildCount)
        var share = [Double](repeating: 0, count: buildCount)
        for build in 0..<buildCount where firstAttempts[build] > 0 {
            share[build] = Double(firstFailures[build]) / Double(firstAttempts[build])
            outage[build] = firstAttempts[build] >= configuration.outageMinimumTests
                && share[build] >= configuration.outageFailureShare
        }
        // Cells: a worker in one build against the rest of that build.
        var badCells = Set<Int64>()
        var workerTotals: [Int32: (attempts: Int, failures: Int)] = [:]
        var fleetAttempts = 0, fleetFailures = 0
        for (key, cell) in cells {
            let build = Int(key >> 32)
            if outage[build] { continue }
            let worker = Int32(truncatingIfNeeded: key)
            var total = workerTotals[worker] ?? (0, 0)
            total.attempts += Int(cell.attempts)
            total.failures += Int(cell.failures)
            workerTotals[worker] = total
            fleetAttempts += Int(cell.attempts)
            fleetFailures += Int(cell.failures)
            let restAttempts = buildAttempts[build] - Int(cell.attempts)
            let restShare = restAttempts > 0 ? Double(buildFailures[build] - Int(cell.failures)) / Double(restAttempts) : 0
            if isBad(attempts: Int(cell.attempts), failures: Int(cell.failures), restShare: restShare,
                     configuration: configuration)
            {
                badCells.insert(key)
            }
        }
        // Workers overall, against the rest of the fleet.
        var badWorkers = Set<Int32>()
        for (worker, total) in workerTotals {
            let restAttempts = fleetAttempts - total.attempts
            let restShare = restAttempts > 0 ? Double(fleetFailures - total.failures) / Double(restAttempts) : 0
            if isBad(attempts: total.attempts, failures: total.failures, restShare: restShare, configuration: configuration) {
                badWorkers.insert(worker)
            }
        }
        return InfrastructureEffects(outageBuilds: outage, buildFailureShare: share, badWorkers: badWorkers,
                                     badCells: badCells)
    }

    private static func isBad(attempts: Int, failures: Int, restShare: Double, configuration: AnalyzerConfiguration)
        -> Bool
    {
        guard attempts >= configuration.workerMinimumAttempts else { return false }
        let share = Double(failures) / Double(attempts)
        return share >= configuration.workerFailureShare && share >= configuration.workerFailureFactor * restShare
    }
}
