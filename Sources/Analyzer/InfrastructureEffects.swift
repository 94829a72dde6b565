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
        let testCaused = testCausedFailures(in: history)
        var detector = InfrastructureDetector(buildCount: history.builds.count)
        for record in history.records where record.isEvidence {
            detector.add(record, testCaused: record.outcome.isFailure
                && testCaused.contains(testKey(build: record.build, test: record.test)))
        }
        return detector.effects(configuration: configuration)
    }

    /// The (build, test) pairs (`testKey`) whose failures are the test's own (`FailureFold`).
    static func testCausedFailures(in history: AttemptHistory) -> Set<Int64> {
        var failures: [Int64: FailureFold] = [:]
        for record in history.records where record.isEvidence && record.outcome.isFailure {
            failures[testKey(build: record.build, test: record.test), default: FailureFold()].addFailure(worker: record.worker)
        }
        guard !failures.isEmpty else { return [] }
        for record in history.records where record.outcome == .passed {
            let key = testKey(build: record.build, test: record.test)
            if failures[key]?.passed == false { failures[key]!.passed = true }
        }
        return Set(failures.compactMap { key, seen in seen.isTestCaused ? key : nil })
    }

    static func isBad(attempts: Int, failures: Int, tests: Int, restShare: Double,
                              configuration: AnalyzerConfiguration) -> Bool
    {
        guard attempts >= configuration.workerMinimumAttempts, tests >= configuration.workerMinimumFailingTests else {
            return false
        }
        let share = Double(failures) / Double(attempts)
        return share >= configuration.workerFailureShare && share >= configuration.workerFailureFactor * restShare
    }
}
