/// Quarantine rules, applied after classification.
///
/// - A manual quarantine holds until a manual release.
/// - A flagged flaky test enters quarantine automatically (when enabled), unless a person
///   released it and it has not failed since.
/// - It leaves by itself after n = ⌈3 / releaseRate⌉ clean attempts in a row: with zero
///   failures in n attempts the rate is below 3/n at 95 % confidence (the "rule of three"),
///   i.e. below the release rate. It is then reported `fixed`.
public enum Quarantine {
    public static func apply(to analysis: inout TestAnalysis, manual: ManualQuarantine?,
                             configuration: AnalyzerConfiguration)
    {
        if let manual, manual.quarantined {
            analysis.quarantine = .manual
            analysis.state = .quarantined
            return
        }
        guard analysis.state == .flaky, configuration.autoQuarantine else { return }
        if let manual, !manual.quarantined, (analysis.lastFlakyFailureBuild ?? -1) <= manual.atBuild {
            return  // released by a person and clean since: stays visible as flaky, does not block-exempt
        }
        if isReleased(cleanRuns: analysis.cleanRunsSinceLastFailure, configuration: configuration) {
            analysis.state = .fixed
            return
        }
        analysis.quarantine = .automatic
        analysis.state = .quarantined
    }

    /// Whether `cleanRuns` attempts without a failure bound the rate below the release rate.
    public static func isReleased(cleanRuns: Int, configuration: AnalyzerConfiguration) -> Bool {
        cleanRuns >= configuration.quarantineReleaseRuns
    }

    /// The 95 % upper bound on a rate after `runs` clean attempts (rule of three): 3 / n.
    public static func upperBound(cleanRuns runs: Int) -> Double { runs > 0 ? min(3 / Double(runs), 1) : 1 }
}
