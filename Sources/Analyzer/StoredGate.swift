import Model
public import Store

/// The deploy gate for a stored build: what `testfleet run`, the coordinator and `testfleet gate`
/// all answer with.
///
/// Kept fast for big builds: the build is folded per test by `Store.summary` (one pass over its
/// key range), and only the tests that failed at least once are read in full and judged against
/// their history. A build where nothing failed needs no history at all.
public enum StoredGate {
    /// Stores up to this many results (estimated from the builds' test counts) are analysed in
    /// full for each gate (and the suite-wide snapshot refreshed); bigger ones re-judge only the
    /// failing tests against the newest snapshot (`testfleet flaky` refreshes it).
    public static let fullAnalysisLimit = 50_000

    /// On a bigger store, the newest builds whose raw results of the failing tests the gate
    /// reads (point lookups: failing tests × builds): the cost stays flat however many days the
    /// raw window keeps and however many builds a day brings. Older evidence reaches the gate
    /// through the tests' rollups (pruned days) and the snapshot's suite-wide figures.
    public static let historyBuilds = 500

    /// Judges build `id`; nil when the store has no such build.
    ///
    /// - Parameter written: the build as the ingest call that made it wrote it (its summary and
    ///   its failing tests' attempts, exactly what this would read back), so a just-ingested
    ///   build is not read again; nil reads the store.
    /// - Parameter saveSnapshot: false for readers beside a running coordinator (the dashboard):
    ///   a full analysis then never writes the snapshot, so they never take the write lock.
    public static func evaluate(store: Store, build id: String, configuration: AnalyzerConfiguration = AnalyzerConfiguration(),
                                fullAnalysisLimit: Int = StoredGate.fullAnalysisLimit,
                                written: IngestReport.WrittenBuild? = nil,
                                saveSnapshot: Bool = true) throws(StoreError) -> GateEvaluation?
    {
        try evaluateWithTotal(store: store, build: id, configuration: configuration, fullAnalysisLimit: fullAnalysisLimit,
                              written: written, saveSnapshot: saveSnapshot)?.evaluation
    }

    /// `evaluate`, and the build's trend totals from the same pass over its results.
    public static func evaluateWithTotal(store: Store, build id: String,
                                         configuration: AnalyzerConfiguration = AnalyzerConfiguration(),
                                         fullAnalysisLimit: Int = StoredGate.fullAnalysisLimit,
                                         written: IngestReport.WrittenBuild? = nil,
                                         saveSnapshot: Bool = true) throws(StoreError) -> (evaluation: GateEvaluation, total: BuildTotal?)?
    {
        guard let record = try store.build(id) else { return nil }
        let summary = if let written { written.summary } else { try store.summary(build: id) }
        let notable = (summary.failures + summary.passedOnRetry).map(\.test)
        let results = if let written { written.notableResults } else {
            try store.results(build: id, tests: notable).map { stored in
                TestResult(test: stored.test, attempt: stored.attempt, outcome: stored.outcome, duration: stored.duration,
                           worker: stored.worker, arch: Arch(rawValue: stored.arch) ?? .x86_64)
            }
        }
        var input = GateInput(build: id, commit: record.spec.commit, suite: record.spec.suite, simulated: record.simulated,
                              results: results,
                              wallSeconds: record.finishedAt.map { $0 - record.createdAt })
        input.confirmationRuns = record.spec.confirmAttempts
        if let selection = try store.selection(build: id) {
            // What `--base/--head` selection left out, and a stale base refused by the watermark.
            input.skippedBySelection = selection.skipped.map(\.test)
            input.rebaseRequired = selection.rebaseRequired
        }
        let skipped = summary.finalOutcomes[.skipped, default: 0]
        input.unlistedSkipped = skipped
        input.unlistedPassed = summary.tests - notable.count - skipped
        if !notable.isEmpty {
            try judgeHistory(of: notable, into: &input, store: store, configuration: configuration,
                             fullAnalysisLimit: fullAnalysisLimit, saveSnapshot: saveSnapshot, judging: id)
        }
        var evaluation = Gate.evaluate(input, configuration: configuration)
        var verdict = evaluation.verdict
        if summary.tests < record.testCount {
            verdict.verdict = .fail
            verdict.reasons.insert("\(record.testCount - summary.tests) of \(record.testCount) tests have no result", at: 0)
        }
        if verdict.verdict == .pass && verdict.reasons.isEmpty {
            let skipped = verdict.counts.skipped
            verdict.reasons.append(skipped == 0 ? "all \(verdict.counts.total) tests passed"
                : "all \(verdict.counts.passed) tests that ran passed (\(skipped) skipped)")
        }
        if record.simulated { verdict.reasons.append("simulated suite: these results say nothing about real code") }
        evaluation.verdict = verdict
        return (evaluation, summary.total)
    }

    /// Adds the failing tests' history (`GateInput.addHistory`): from a full analysis on a small
    /// store, else by re-judging those tests against the snapshot. Either way without the
    /// attempts of the build being judged (`judging`), which is stored by now: a build is weighed
    /// against what was known before it, as the flaky-eval benchmark measures the gate.
    static func judgeHistory(of tests: [String], into input: inout GateInput, store: Store,
                             configuration: AnalyzerConfiguration, fullAnalysisLimit: Int,
                             saveSnapshot: Bool = true, judging: String? = nil) throws(StoreError)
    {
        let wanted = Set(tests)
        if try store.approximateResultCount() <= fullAnalysisLimit {
            let (_, analysis) = try FlakyAnalyzer.analyze(store: store, configuration: configuration, saveSnapshot: saveSnapshot,
                                                          leavingOut: judging, findingOrderDependence: false)
            input.addHistory(analysis.tests.lazy.filter { wanted.contains($0.name) }, prior: analysis.prior,
                             regressionRate: analysis.regressionRate)
        } else {
            let stored = try store.loadHistory(tests: tests, lastBuilds: historyBuilds)
            var history = AttemptHistory(stored: stored, targetBranches: configuration.targetBranches)
            if let judging { history = history.leavingOut(build: judging) }
            let manual = try ManualQuarantine.load(from: store, builds: stored.builds)
            let snapshot = try store.snapshot()
            let context = FlakyAnalyzer.context(snapshot: snapshot, history: history, testCount: history.testNames.count,
                                                configuration: configuration)
            let analysed = FlakyAnalyzer.reanalyze(history, tests: (0..<Int32(history.testNames.count)).map { $0 },
                                                   using: context, manual: manual)
            input.addHistory(analysed, prior: context.prior, regressionRate: context.regressionRate)
        }
        // The record of pruned days (rollups) behind the bounded window of raw results.
        input.addRollups(try store.rollupTotals(tests: tests))
        // A person's quarantine holds even for a test the analysis has no attempts for.
        for entry in try store.quarantined() where entry.manual && wanted.contains(entry.test) {
            input.quarantined.insert(entry.test)
            input.manuallyQuarantined.insert(entry.test)
        }
    }
}
