public import Store

extension FlakyAnalyzer {
    /// Results read per batch of tests by `analyzeStreamed`: 64k records of 24 bytes.
    public static let streamedBatchResults = 65_536

    /// The same analysis as `analyze(store:configuration:lastBuilds:saveSnapshot:)`, read from the
    /// store without ever holding the window's records, for a refresh whose working set must not
    /// grow with its window (a coordinator's every 20 builds over 500 builds = 500,000 results).
    ///
    /// In one read transaction: a first pass over every result (build order) finds the
    /// infrastructure effects and counts each test's results; then the tests, in name order,
    /// are read in batches of about `batchResults` results (per build, a range of the result
    /// key), scanned and dropped, keeping each test's per-build observations packed in 8 bytes
    /// (`PackedScans`). Saves the suite-wide snapshot as the whole-store analysis does.
    public static func analyzeStreamed(store: Store, configuration: AnalyzerConfiguration = AnalyzerConfiguration(),
                                       lastBuilds: Int? = nil, saveSnapshot: Bool = true,
                                       batchResults: Int = streamedBatchResults) throws(StoreError) -> FlakyAnalysis
    {
        let (tables, storedBuilds, infrastructure, scans) = try store.streamHistory(lastBuilds: lastBuilds) { stream in
            let storedBuilds = stream.builds
            var tables = AttemptHistory(stored: StoredHistory(builds: storedBuilds), targetBranches: configuration.targetBranches)
            let buildCommits = tables.builds.map(\.commit)
            let (infrastructure, resultsPerTest) = try detectInfrastructure(&stream, buildCommits: buildCommits,
                                                                            configuration: configuration)
            tables.testNames = stream.testNames
            tables.workerNames = stream.workerNames
            let scans = try scanInBatches(&stream, tables: tables, infrastructure: infrastructure,
                                          resultsPerTest: resultsPerTest, batchResults: max(batchResults, 1),
                                          configuration: configuration)
            return (tables, storedBuilds, infrastructure, scans)
        }
        let manual = try ManualQuarantine.load(from: store, builds: storedBuilds)
        // Pruned days are in no window of raw results: their rollups are the tests' older record.
        let longRange = LongRangeRecord.records(try store.allRollupTotals())
        let analysis = analyze(tables: tables, infrastructure: infrastructure, testCount: scans.count,
                               scanOf: { scans.scan($0) }, manual: manual, longRange: longRange,
                               configuration: configuration)
        guard saveSnapshot else { return analysis }
        try store.saveSnapshot(AnalysisSnapshot(
            priorAlpha: analysis.prior.alpha, priorBeta: analysis.prior.beta, ambientRate: analysis.ambientFailureRate,
            regressionRate: analysis.regressionRate, flagThreshold: analysis.flagThreshold,
            nextFlagBar: analysis.nextFlagBar, buildSeq: storedBuilds.last?.seq ?? 0))
        return analysis
    }

    /// The first pass: every result in key order, one (build, test) group at a time (the key
    /// keeps a group's attempts together, so whether its failures are the test's own is known
    /// from the group alone). Returns the effects and each test's result count.
    private static func detectInfrastructure(_ stream: inout HistoryStream, buildCommits: [Int32],
                                             configuration: AnalyzerConfiguration) throws
        -> (InfrastructureEffects, [Int])
    {
        var detector = InfrastructureDetector(buildCount: buildCommits.count)
        var resultsPerTest: [Int] = []
        var group: [AttemptRecord] = []
        func flush() {
            var failures = FailureFold()
            for record in group where record.isEvidence && record.outcome.isFailure { failures.addFailure(worker: record.worker) }
            if failures.hasFailures { failures.passed = group.contains { $0.outcome == .passed } }
            let testCaused = failures.hasFailures && failures.isTestCaused
            for record in group where record.isEvidence {
                detector.add(record, testCaused: testCaused && record.outcome.isFailure)
            }
            group.removeAll(keepingCapacity: true)
        }
        try stream.forEachAttempt { attempt in
            let record = AttemptRecord(stored: attempt, commit: buildCommits[Int(attempt.build)])
            if let first = group.first, first.build != record.build || first.test != record.test { flush() }
            group.append(record)
            if Int(record.test) >= resultsPerTest.count { resultsPerTest.append(contentsOf: repeatElement(0, count: Int(record.test) + 1 - resultsPerTest.count)) }
            resultsPerTest[Int(record.test)] += 1
        }
        flush()
        return (detector.effects(configuration: configuration), resultsPerTest)
    }

    /// The second pass: tests in name order, in batches of about `batchResults` results, each
    /// test scanned as `scanTests` scans it (its records in the same order) and kept packed.
    private static func scanInBatches(_ stream: inout HistoryStream, tables: AttemptHistory,
                                      infrastructure: InfrastructureEffects, resultsPerTest: [Int], batchResults: Int,
                                      configuration: AnalyzerConfiguration) throws -> PackedScans
    {
        let testCount = tables.testNames.count
        let buildCommits = tables.builds.map(\.commit)
        let sideBranch = tables.sideBranchBuilds(configuration)
        var scans = PackedScans(testCount: testCount, buildCommits: buildCommits)
        // Byte order: SQLite's BINARY collation, which the batches' key ranges follow.
        let byName = (0..<testCount).sorted {
            tables.testNames[$0].utf8.lexicographicallyPrecedes(tables.testNames[$1].utf8)
        }
        var batches: [Range<Int>] = []
        var start = 0, results = 0
        for (position, test) in byName.enumerated() {
            let count = test < resultsPerTest.count ? resultsPerTest[test] : 0
            if results > 0, results + count > batchResults {
                batches.append(start..<position)
                start = position
                results = 0
            }
            results += count
        }
        if start < byName.count { batches.append(start..<byName.count) }

        var local = [Int32](repeating: -1, count: testCount)
        var records: [AttemptRecord] = []
        var scratch: [AttemptRecord] = []
        for batch in batches {
            for (index, position) in batch.enumerated() { local[byName[position]] = Int32(index) }
            records.removeAll(keepingCapacity: true)
            let from = batch.lowerBound == 0 ? nil : tables.testNames[byName[batch.lowerBound]]
            let below = batch.upperBound == byName.count ? nil : tables.testNames[byName[batch.upperBound]]
            try stream.forEachAttempt(testsFrom: from, testsBelow: below) { attempt in
                guard Int(attempt.test) < testCount, local[Int(attempt.test)] >= 0 else {
                    throw StoreError("a result's test changed between two passes of one read; run the analysis again")
                }
                records.append(AttemptRecord(stored: attempt, commit: buildCommits[Int(attempt.build)]))
            }
            // Group the batch's records by test (a counting sort: each test's records keep their order).
            var starts = [Int](repeating: 0, count: batch.count + 1)
            for record in records { starts[Int(local[Int(record.test)]) + 1] += 1 }
            for index in 0..<batch.count { starts[index + 1] += starts[index] }
            var order = [Int32](repeating: 0, count: records.count)
            var next = starts
            for (index, record) in records.enumerated() {
                let slot = Int(local[Int(record.test)])
                order[next[slot]] = Int32(index)
                next[slot] += 1
            }
            for (index, position) in batch.enumerated() {
                let scan = TestScan.scan(records: records, order: order[starts[index]..<starts[index + 1]],
                                         infrastructure: infrastructure, sideBranch: sideBranch, scratch: &scratch)
                scans.store(scan, test: byName[position])
                local[byName[position]] = -1
            }
        }
        return scans
    }
}

extension AttemptRecord {
    /// A stored attempt with its build's commit position.
    init(stored attempt: StoredHistory.Attempt, commit: Int32) {
        self.init(test: attempt.test, build: attempt.build, commit: commit, worker: attempt.worker,
                  duration: attempt.duration, attempt: attempt.attempt, outcome: attempt.outcome, arch: attempt.arch)
    }
}
