/// Quarantine rules, applied after classification.
///
/// - A test that passed on a retry (outside infrastructure failures) but is not flagged yet is
///   quarantined provisionally: its failures stop blocking while evidence accumulates; the FDR
///   flag (`TestAnalysis.flagged`) stays the honest "is flaky" claim.
/// - A manual quarantine holds until a manual release.
/// - A flagged flaky test enters quarantine automatically (when enabled), unless a person
///   released it and it has not failed since.
/// - It leaves by itself after n = ⌈3 / releaseRate⌉ clean attempts in a row: with zero
///   failures in n attempts the rate is below 3/n at 95 % confidence (the "rule of three"),
///   i.e. below the release rate. It is then reported `fixed`. The rule of three assumes
///   independent attempts; a bursty test breaks that, so the clean run must also be at least
///   twice the longest clean gap the test showed between earlier failures.
public enum Quarantine {
    public static func apply(to analysis: inout TestAnalysis, manual: ManualQuarantine?,
                             configuration: AnalyzerConfiguration)
    {
        if let manual, manual.quarantined {
            analysis.quarantine = .manual
            analysis.state = .quarantined
            return
        }
        if analysis.state == .stable, configuration.provisionalQuarantine, configuration.autoQuarantine,
           analysis.evidence.passedOnRetry + analysis.evidence.sameCommitMixed > 0, manual == nil,
           !isReleased(cleanRuns: analysis.cleanRunsSinceLastFailure, longestCleanGap: analysis.longestCleanGap,
                       configuration: configuration)
        {
            analysis.quarantine = .provisional
            analysis.state = .quarantined
            return
        }
        guard analysis.state == .flaky, configuration.autoQuarantine else { return }
        if let manual, !manual.quarantined, (analysis.lastFlakyFailureBuild ?? -1) <= manual.atBuild {
            return  // released by a person and clean since: stays visible as flaky, does not block-exempt
        }
        if isReleased(cleanRuns: analysis.cleanRunsSinceLastFailure, longestCleanGap: analysis.longestCleanGap,
                      configuration: configuration)
        {
            analysis.state = .fixed
            return
        }
        analysis.quarantine = .automatic
        analysis.state = .quarantined
    }

    /// Whether `cleanRuns` attempts without a failure bound the rate below the release rate and
    /// outlast (twice) the longest quiet spell the test had between earlier failures.
    public static func isReleased(cleanRuns: Int, longestCleanGap: Int = 0, configuration: AnalyzerConfiguration) -> Bool {
        cleanRuns >= max(configuration.quarantineReleaseRuns, 2 * longestCleanGap)
    }

    /// The 95 % upper bound on a rate after `runs` clean attempts (rule of three): 3 / n.
    public static func upperBound(cleanRuns runs: Int) -> Double { runs > 0 ? min(3 / Double(runs), 1) : 1 }
}
