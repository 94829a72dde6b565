extension FlakyAnalyzer {
    /// Re-analyses a few tests against the suite-wide figures of an earlier analysis (prior,
    /// ambient rate, flag bar, infrastructure flags), without re-running the suite-wide passes.
    ///
    /// Use it after a build to update the tests that ran in it; the next full `analyze` refreshes
    /// the suite-wide figures. Builds newer than the earlier analysis count as not outages.
    public static func reanalyze(_ history: AttemptHistory, tests: [Int32], using previous: FlakyAnalysis,
                                 manual: [ManualQuarantine] = []) -> [TestAnalysis]
    {
        var infrastructure = previous.infrastructure
        if infrastructure.outageBuilds.count < history.builds.count {
            infrastructure.outageBuilds += [Bool](repeating: false, count: history.builds.count - infrastructure.outageBuilds.count)
        }
        let wanted = Set(tests)
        var byTest: [Int32: [Int32]] = [:]
        for (index, record) in history.records.enumerated() where wanted.contains(record.test) {
            byTest[record.test, default: []].append(Int32(index))
        }
        let latestManual = Dictionary(manual.map { ($0.test, $0) }, uniquingKeysWith: { $0.atBuild >= $1.atBuild ? $0 : $1 })
        let configuration = previous.configuration
        let sideBranch = history.sideBranchBuilds(configuration)
        var scratch: [AttemptRecord] = []
        var intervals: [Int64: ClosedRange<Double>] = [:]
        return tests.map { test in
            let order = byTest[test] ?? []
            let scan = TestScan.scan(records: history.records, order: order[...], infrastructure: infrastructure,
                                     sideBranch: sideBranch, scratch: &scratch)
            let draft = draft(for: scan, prior: previous.prior, configuration: configuration)
            let pValue = draft.flakyAttempts > 0
                ? IncompleteBeta.binomialUpperTail(atLeast: draft.flakyFailures, trials: draft.flakyAttempts,
                                                   probability: previous.ambientFailureRate)
                : 1
            let flagged = draft.flakyFailures > 0 && pValue <= max(previous.flagThreshold, previous.nextFlagBar)
            return finish(test: test, scan: scan, draft: draft, pValue: pValue, flagged: flagged, prior: previous.prior,
                          history: history, manual: latestManual[history.testNames[Int(test)]],
                          configuration: configuration, intervals: &intervals)
        }
    }
}
