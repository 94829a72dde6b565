import Model
/// `testfleet flaky [--json]`: one row per test that is not stable, ranked by harm.
///
/// JSON rows have exactly these keys, in this order (docs/architecture.md, "Formats"):
/// `{"test": "…", "state": "flaky|broken|stable|quarantined|fixed", "flake_rate": 0.0,
/// "evidence": "…", "since_commit": "…"|null}`, plus `"branch": "…"` on a side branch's break,
/// and `"order_dependent": true, "depends_on": "…"` on a test that fails only after another test
/// ran before it in the same process (`OrderDependenceRule`; its `state` is what the flaky
/// analysis found, usually flaky).
public enum FlakyReport {
    /// Tests to report: every non-stable or order-dependent test (every test with
    /// `includeStable`), most harmful first.
    public static func rows(_ analysis: FlakyAnalysis, includeStable: Bool = false) -> [TestAnalysis] {
        analysis.tests.filter { includeStable || $0.state != .stable || $0.orderDependency != nil }.sorted(by: moreHarmful)
    }

    /// The state as reports print it: `flaky`, `broken (aarch64)`, `flaky, order-dependent`.
    public static func stateLabel(_ test: TestAnalysis) -> String {
        test.state.rawValue + (test.arch.map { " (\($0.rawValue))" } ?? "")
            + (test.orderDependency == nil ? "" : ", order-dependent")
    }

    /// The evidence sentence of an order dependency.
    public static func orderEvidence(_ found: OrderDependency) -> String {
        let others = found.equallySupported == 0 ? ""
            : " (\(found.equallySupported) other test\(found.equallySupported == 1 ? "" : "s") ran before it just as often; "
                + "this one ran nearest)"
        return "order-dependent: fails only after \(found.dependsOn) ran before it in the same process\(others): "
            + "all \(found.failuresAfter) failures came after it, \(found.passesWithout) passes without it before "
            + "(fresh retries, other processes), \(found.passesAfter) passes with it (Fisher p = \(pValue(found.pValue)))"
    }

    /// Harm order: builds failed, then retry time, then flake rate, then name (stable output).
    public static func moreHarmful(_ a: TestAnalysis, _ b: TestAnalysis) -> Bool {
        if a.harm.failedBuilds != b.harm.failedBuilds { return a.harm.failedBuilds > b.harm.failedBuilds }
        if a.harm.retrySeconds != b.harm.retrySeconds { return a.harm.retrySeconds > b.harm.retrySeconds }
        if a.flakeRate != b.flakeRate { return a.flakeRate > b.flakeRate }
        return a.name < b.name
    }

    /// Tests a side branch (a PR) broke and has not fixed yet, by branch then name: reported
    /// against that branch, apart from the target branch's rows.
    public static func branchBreakRows(_ analysis: FlakyAnalysis) -> [TestAnalysis] {
        analysis.tests.filter { $0.branchBreak != nil }.sorted {
            ($0.branchBreak!.branch, $0.name) < ($1.branchBreak!.branch, $1.name)
        }
    }

    /// The evidence sentence of a branch's break.
    public static func branchEvidence(_ found: BranchBreak) -> String {
        "fails every attempt on branch \(found.branch) since \(found.sinceCommit) (\(found.builds) build\(found.builds == 1 ? "" : "s")): "
            + "that branch's break, not flakiness and not a break of the target branch"
    }

    /// The `--json` document: a JSON array, one row per line. A side branch's break is a row of
    /// its own with state `broken` and the extra key `"branch"`.
    public static func json(_ analysis: FlakyAnalysis, includeStable: Bool = false) -> String {
        var lines = rows(analysis, includeStable: includeStable).map { test in
            let since = test.sinceCommit.map(JSONText.quoted) ?? "null"
            return "{\"test\": \(JSONText.quoted(test.name)), \"state\": \"\(test.state.rawValue)\", "
                + "\"flake_rate\": \(jsonNumber(test.flakeRate)), \"evidence\": \(JSONText.quoted(evidence(test))), "
                + "\"since_commit\": \(since)"
                + (test.orderDependency.map { ", \"order_dependent\": true, \"depends_on\": \(JSONText.quoted($0.dependsOn))" } ?? "")
                + "}"
        }
        for test in branchBreakRows(analysis) {
            let found = test.branchBreak!
            lines.append("{\"test\": \(JSONText.quoted(test.name)), \"state\": \"broken\", "
                + "\"flake_rate\": \(jsonNumber(test.flakeRate)), \"evidence\": \(JSONText.quoted(branchEvidence(found))), "
                + "\"since_commit\": \(JSONText.quoted(found.sinceCommit)), \"branch\": \(JSONText.quoted(found.branch))}")
        }
        return lines.isEmpty ? "[]" : "[\n" + lines.map { "  " + $0 }.joined(separator: ",\n") + "\n]"
    }

    /// One sentence of evidence, strongest first.
    public static func evidence(_ test: TestAnalysis) -> String {
        var parts: [String] = []
        if let found = test.orderDependency { parts.append(orderEvidence(found)) }
        let archNote = test.arch.map { " on \($0.rawValue) only" } ?? ""
        switch test.state {
        case .broken:
            if let found = test.latestBreak {
                let range = found.lastPassingCommit.map { "culprit in \($0)..\(found.firstFailingCommit)" }
                    ?? "failing since its first run at \(found.firstFailingCommit)"
                parts.append("fails every attempt\(archNote) since \(found.firstFailingCommit) (\(range); \(found.failures) failed attempts in \(found.builds) builds)")
            }
        case .fixed:
            if let found = test.latestBreak, let fixed = found.fixedAtCommit {
                parts.append("was broken\(archNote) from \(found.firstFailingCommit) to \(fixed), passing since")
            } else {
                parts.append("released from quarantine after \(test.cleanRunsSinceLastFailure) clean attempts (rate < \(percent(Quarantine.upperBound(cleanRuns: test.cleanRunsSinceLastFailure))) at 95%)")
            }
        default:
            if test.state == .quarantined, let since = test.sinceCommit, let found = test.latestBreak {
                parts.append("fails every attempt since \(since) (\(found.failures) failed attempts in \(found.builds) builds)")
            }
        }
        if test.flakyFailures > 0 || test.state != .broken {
            parts.append("\(test.flakyFailures) flaky failures in \(test.flakyAttempts) attempts\(test.state == .broken ? "" : archNote) "
                + "(rate \(percent(test.flakeRate)), 95% interval \(percent(test.flakeInterval.lowerBound))–\(percent(test.flakeInterval.upperBound)))")
        }
        if test.evidence.rolledUpFlakyFailures > 0 {
            parts.append("\(test.evidence.rolledUpFlakyFailures) of them in \(test.evidence.rolledUpAttempts) attempts on pruned days (rollups)")
        }
        if test.evidence.sameCommitMixed > 0 {
            parts.append("passed and failed on the same commit and arch \(test.evidence.sameCommitMixed)×")
        }
        if test.evidence.passedOnRetry > 0 { parts.append("passed on retry in \(test.evidence.passedOnRetry) builds") }
        if test.evidence.flips > 0 {
            parts.append("flip rate \(percent(test.evidence.flipRate)) over \(test.evidence.commits) commits")
        }
        if test.evidence.infrastructureDiscounted > 0 {
            parts.append("\(test.evidence.infrastructureDiscounted) attempts discounted as infrastructure")
        }
        if let reason = test.quarantine {
            parts.append(reason == .provisional
                ? "quarantined provisionally (passed on retry; not yet significant at the false-discovery rate)"
                : "quarantined (\(reason.rawValue))")
        }
        return parts.joined(separator: "; ")
    }

    static func percent(_ value: Double) -> String {
        let percent = value * 100
        if percent == 0 { return "0%" }
        if percent >= 10 { return "\(Int(percent.rounded()))%" }
        if percent >= 0.1 { return "\((percent * 10).rounded() / 10)%" }
        return "\((percent * 1000).rounded() / 1000)%"
    }

    static func pValue(_ value: Double) -> String {
        value >= 0.001 ? "\((value * 1000).rounded() / 1000)" : "< 0.001"
    }

    static func jsonNumber(_ value: Double) -> String {
        guard value.isFinite else { return "0.0" }
        let rounded = (value * 1e6).rounded() / 1e6
        return rounded == rounded.rounded() ? "\(Int(rounded)).0" : "\(rounded)"
    }
}
