import Model

/// The flaky-test analyser: pure functions from an `AttemptHistory` to a `FlakyAnalysis`.
///
/// Pipeline: (1) infrastructure effects (outage builds, bad workers) are found and discounted;
/// (2) each test's attempts become per-build observations; (3) a Beta prior over flake rates is
/// fitted to the suite; (4) change-point detection splits off breaks ("broken since X"); (5) what
/// remains is each test's flaky evidence: a p-value against the fleet's ambient failure rate,
/// Benjamini–Hochberg across all tests, and a Beta-binomial posterior for the rate; (6) states
/// and quarantine.
public enum FlakyAnalyzer {
    /// Analyses a history. `manual` holds people's quarantine decisions (newest per test wins).
    /// `longRange` holds tests' records from before the history's window (pruned days' rollups):
    /// added to each test's flaky evidence (its flag, posterior and quarantine) as evidence that
    /// came before the window; breaks, flips and the suite prior are read from the window alone.
    public static func analyze(_ history: AttemptHistory, manual: [ManualQuarantine] = [],
                               longRange: [String: LongRangeRecord] = [:],
                               configuration: AnalyzerConfiguration = AnalyzerConfiguration()) -> FlakyAnalysis
    {
        let infrastructure = InfrastructureEffects.detect(in: history, configuration: configuration)
        let scans = scanTests(history, infrastructure: infrastructure, configuration: configuration)
        return analyze(tables: history, infrastructure: infrastructure, testCount: scans.count, scanOf: { scans[$0] },
                       manual: manual, longRange: longRange, configuration: configuration)
    }

    /// The analysis from each test's scan (`scanOf(test)`, for tests `0..<testCount`; called
    /// several times per test, from any thread) and the history's tables (`history`'s records
    /// are not read): the whole history's scans, or `analyzeStreamed`'s compact ones.
    static func analyze(tables history: AttemptHistory, infrastructure: InfrastructureEffects, testCount: Int,
                        scanOf: (Int) -> TestScan, manual: [ManualQuarantine], longRange: [String: LongRangeRecord],
                        configuration: AnalyzerConfiguration) -> FlakyAnalysis
    {
        // Prior from builds in which each test passed at least once: this leaves out breaks
        // (not yet detected at this point) without needing the prior to find them.
        var priorFailures = [Int](repeating: 0, count: testCount)
        var priorAttempts = [Int](repeating: 0, count: testCount)
        for test in 0..<testCount {
            for observation in scanOf(test).observations where observation.totalPasses > 0 {
                priorFailures[test] += observation.totalFailures
                priorAttempts[test] += observation.totalFailures + observation.totalPasses
            }
        }
        let prior = BetaBinomial.fitPrior(failures: priorFailures, attempts: priorAttempts)
        var drafts = ParallelMap.map(count: testCount, makeScratch: { () }) { test, _ in
            draft(for: scanOf(test), prior: prior, configuration: configuration)
        }
        if !longRange.isEmpty {
            for (test, name) in history.testNames.enumerated() {
                if let record = longRange[name] { drafts[test].addLongRange(record) }
            }
        }

        let ambient = configuration.ambientFailureRate ?? estimateAmbientRate(drafts, floor: configuration.ambientFailureFloor)
        var pValues = [Double](repeating: 1, count: drafts.count)
        var tested: [Int] = []
        for (test, draft) in drafts.enumerated() where draft.flakyAttempts > 0 {
            pValues[test] = IncompleteBeta.binomialUpperTail(
                atLeast: draft.flakyFailures, trials: draft.flakyAttempts, probability: ambient)
            tested.append(test)
        }
        let rejected = FalseDiscovery.benjaminiHochberg(tested.map { pValues[$0] }, q: configuration.falseDiscoveryRate)
        var flagged = [Bool](repeating: false, count: drafts.count)
        for position in rejected { flagged[tested[position]] = drafts[tested[position]].flakyFailures > 0 }

        var observationsTotal = 0, breakStarts = 0
        for (test, draft) in drafts.enumerated() {
            observationsTotal += scanOf(test).observations.count
            breakStarts += draft.breakStarts
        }
        let regressionRate = max(Double(breakStarts) / Double(max(observationsTotal, 1)), 1e-5)

        let flagThreshold = rejected.map { pValues[tested[$0]] }.max() ?? -1
        let latestManual = Dictionary(manual.map { ($0.test, $0) }, uniquingKeysWith: { $0.atBuild >= $1.atBuild ? $0 : $1 })
        var intervals: [Int64: ClosedRange<Double>] = [:]
        var tests: [TestAnalysis] = []
        tests.reserveCapacity(drafts.count)
        for (test, draft) in drafts.enumerated() {
            tests.append(finish(
                test: Int32(test), scan: scanOf(test), draft: draft, pValue: pValues[test], flagged: flagged[test],
                prior: prior, history: history, manual: latestManual[history.testNames[test]],
                configuration: configuration, intervals: &intervals))
        }
        return FlakyAnalysis(
            tests: tests, prior: prior, ambientFailureRate: ambient, regressionRate: regressionRate,
            flagThreshold: flagThreshold,
            nextFlagBar: Double(rejected.count + 1) * configuration.falseDiscoveryRate / Double(max(tested.count, 1)),
            infrastructure: infrastructure, configuration: configuration,
            workerNames: history.workerNames,
            buildIDs: history.builds.map(\.id))
    }

    /// Turns one test's draft into its analysis: posterior, state, quarantine.
    static func finish(test: Int32, scan: TestScan, draft: Draft, pValue: Double, flagged: Bool, prior: BetaBinomial,
                       history: AttemptHistory, manual: ManualQuarantine?, configuration: AnalyzerConfiguration,
                       intervals: inout [Int64: ClosedRange<Double>]) -> TestAnalysis
    {
        let posterior = prior.posterior(failures: draft.flakyFailures, attempts: draft.flakyAttempts)
        // Many stable tests share (0, n): compute each interval once.
        let key = Int64(draft.flakyFailures) << 32 | Int64(draft.flakyAttempts)
        let interval = intervals[key] ?? posterior.credibleInterval(level: configuration.credibleLevel)
        intervals[key] = interval
        var analysis = TestAnalysis(
            test: test, name: history.testNames[Int(test)], state: .stable, arch: nil,
            flakeRate: posterior.mean, flakeInterval: interval, flakyFailures: draft.flakyFailures,
            flakyAttempts: draft.flakyAttempts, totalAttempts: scan.totalAttempts, totalFailures: scan.totalFailures,
            pValue: pValue, flagged: flagged, evidence: draft.evidence, harm: scan.harm,
            latestBreak: breakReport(draft, history: history), cleanRunsSinceLastFailure: scan.cleanRunsSinceLastFailure,
            longestCleanGap: scan.longestCleanGap, quarantine: nil, lastFlakyFailureBuild: draft.lastFlakyFailureBuild,
            flakyBuilds: draft.flakyBuilds, allFailedBuilds: draft.allFailedBuilds,
            branchBreak: branchBreak(scan, history: history))
        classify(&analysis, draft: draft, configuration: configuration)
        // A test the target branch itself breaks (ongoing) fails on every branch: a PR failing it
        // too shows the known break, not one of its own.
        if draft.latestBreak?.isOngoing == true { analysis.branchBreak = nil }
        Quarantine.apply(to: &analysis, manual: manual, configuration: configuration)
        return analysis
    }

    /// The ongoing break of the side branch that broke the test most recently: its newest
    /// builds of the test failed every attempt, and none of its builds passed since.
    static func branchBreak(_ scan: TestScan, history: AttemptHistory) -> BranchBreak? {
        guard let newest = scan.sideBreaks.last else { return nil }
        let branch = history.builds[Int(newest)].branch
        let lastPass = scan.observations.lazy.filter { $0.sideBranch && history.builds[Int($0.build)].branch == branch }
            .map(\.build).max() ?? -1
        guard lastPass < newest else { return nil }
        let run = scan.sideBreaks.filter { $0 > lastPass && history.builds[Int($0)].branch == branch }
        return BranchBreak(branch: branch, sinceCommit: history.builds[Int(run[0])].sha, builds: run.count)
    }

    /// Groups records by test with a counting sort (stable, so per-test order is input order)
    /// and scans each test.
    static func scanTests(_ history: AttemptHistory, infrastructure: InfrastructureEffects,
                          configuration: AnalyzerConfiguration) -> [TestScan] {
        let sideBranch = history.sideBranchBuilds(configuration)
        let testCount = history.testNames.count
        var starts = [Int](repeating: 0, count: testCount + 1)
        for record in history.records { starts[Int(record.test) + 1] += 1 }
        for test in 0..<testCount { starts[test + 1] += starts[test] }
        var order = [Int32](repeating: 0, count: history.records.count)
        var next = starts
        for (index, record) in history.records.enumerated() {
            order[next[Int(record.test)]] = Int32(index)
            next[Int(record.test)] += 1
        }
        return ParallelMap.map(count: testCount, makeScratch: { [AttemptRecord]() }) { test, scratch in
            TestScan.scan(records: history.records, order: order[starts[test]..<starts[test + 1]],
                          infrastructure: infrastructure, sideBranch: sideBranch, scratch: &scratch)
        }
    }

    /// The ambient rate: flaky failures per attempt over tests with at most one flaky failure.
    /// Low-rate flaky tests inflate it, which only makes the flag more conservative.
    static func estimateAmbientRate(_ drafts: [Draft], floor: Double) -> Double {
        var failures = 0, attempts = 0
        for draft in drafts where draft.flakyFailures <= 1 {
            failures += draft.flakyFailures
            attempts += draft.flakyAttempts
        }
        return attempts > 0 ? max(Double(failures) / Double(attempts), floor) : floor
    }

    static func breakReport(_ draft: Draft, history: AttemptHistory) -> BreakReport? {
        guard let found = draft.latestBreak else { return nil }
        return BreakReport(
            arch: draft.latestBreakArch, lastPassingCommit: found.lastPassingCommit.flatMap(history.sha(atCommit:)),
            firstFailingCommit: history.sha(atCommit: found.firstFailingCommit) ?? "?",
            fixedAtCommit: found.fixedAtCommit.flatMap(history.sha(atCommit:)), failures: found.failures,
            builds: draft.latestBreakBuilds)
    }

    /// Broken (an ongoing break) beats flaky; flaky beats a recent fix; the rest is stable.
    static func classify(_ analysis: inout TestAnalysis, draft: Draft, configuration: AnalyzerConfiguration) {
        if let found = draft.latestBreak, found.isOngoing {
            analysis.state = .broken
            analysis.arch = draft.latestBreakArch
        } else if analysis.flagged {
            analysis.state = .flaky
            analysis.arch = confinedArch(draft)
        } else if draft.latestBreak != nil, draft.observationsSinceFix <= configuration.fixedWindowBuilds {
            analysis.state = .fixed
            analysis.arch = draft.latestBreakArch
        } else {
            analysis.state = .stable
        }
    }
}
