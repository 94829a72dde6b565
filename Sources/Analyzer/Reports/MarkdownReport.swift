/// A Markdown flaky-test report for a PR comment: the worst offenders by harm (builds they
/// failed, retry time they cost), then infrastructure findings.
public enum MarkdownReport {
    public static func render(_ analysis: FlakyAnalysis, limit: Int = 25, title: String = "testfleet: flaky and broken tests")
        -> String
    {
        let rows = FlakyReport.rows(analysis)
        var lines = ["### \(title)", ""]
        let counts = TestState.allCases.compactMap { state -> String? in
            let count = analysis.tests.lazy.filter { $0.state == state }.count
            return state == .stable || count == 0 ? nil : "\(count) \(state.rawValue)"
        }
        lines.append(counts.isEmpty
            ? "No flaky or broken tests among \(analysis.tests.count) tests."
            : "\(counts.joined(separator: ", ")) among \(analysis.tests.count) tests "
                + "(flags at false-discovery rate \(FlakyReport.percent(analysis.configuration.falseDiscoveryRate))).")
        if !rows.isEmpty {
            lines += ["", "| # | test | state | flake rate (95% interval) | failed builds | retry time | since |",
                      "|---|---|---|---|---|---|---|"]
            for (rank, test) in rows.prefix(limit).enumerated() {
                let state = FlakyReport.stateLabel(test)
                let rate = "\(FlakyReport.percent(test.flakeRate)) (\(FlakyReport.percent(test.flakeInterval.lowerBound))–\(FlakyReport.percent(test.flakeInterval.upperBound)))"
                lines.append("| \(rank + 1) | `\(cell(test.name))` | \(state) | \(rate) | \(test.harm.failedBuilds) | "
                    + "\(seconds(test.harm.retrySeconds)) | \(test.sinceCommit.map { "`\($0)`" } ?? "—") |")
            }
            if rows.count > limit { lines += ["", "… and \(rows.count - limit) more (`testfleet flaky --json` lists all)."] }
            lines += ["", "<details><summary>evidence</summary>", ""]
            for test in rows.prefix(limit) { lines.append("- `\(cell(test.name))`: \(cell(FlakyReport.evidence(test)))") }
            lines += ["", "</details>"]
        }
        let outages = analysis.outageBuildIDs
        let workers = analysis.flaggedWorkers
        if !outages.isEmpty || !workers.isEmpty {
            lines += ["", "**Infrastructure** (excluded from flakiness evidence):"]
            if !outages.isEmpty {
                lines.append("- outage builds (≥ \(FlakyReport.percent(analysis.configuration.outageFailureShare)) of tests failed): "
                    + outages.prefix(20).joined(separator: ", ") + (outages.count > 20 ? " …" : ""))
            }
            for (worker, builds) in workers {
                lines.append("- worker `\(worker)` failed far more than the fleet "
                    + (builds.isEmpty ? "overall" : "in builds " + builds.prefix(10).joined(separator: ", ")))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func cell(_ text: String) -> String { text.split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|") }

    static func seconds(_ value: Double) -> String {
        if value < 60 { return "\((value * 10).rounded() / 10) s" }
        if value < 3600 { return "\((value / 6).rounded() / 10) min" }
        return "\((value / 360).rounded() / 10) h"
    }
}

extension MarkdownReport {
    /// A PR comment for one branch, about the tests that failed in its newest build
    /// (`failedOnBranch`): those failing on this branch only (its own doing: a break the analysis
    /// found on the branch, or a failure nothing else explains), and those known flaky or broken
    /// on the target branch too (not its doing).
    public static func render(_ analysis: FlakyAnalysis, branch: String, failedOnBranch: Set<String>, limit: Int = 25) -> String {
        var lines = ["### testfleet: tests on `\(cell(branch))`", ""]
        let breaks = Dictionary(FlakyReport.branchBreakRows(analysis).filter { $0.branchBreak?.branch == branch }.map { ($0.name, $0) },
                                uniquingKeysWith: { first, _ in first })
        let known = FlakyReport.rows(analysis).filter { failedOnBranch.contains($0.name) && breaks[$0.name] == nil }
        let knownNames = Set(known.map(\.name))
        let own = Set(breaks.keys).union(failedOnBranch.subtracting(knownNames)).sorted()
        if own.isEmpty && known.isEmpty {
            lines.append("No test failed in this branch's newest build.")
            return lines.joined(separator: "\n") + "\n"
        }
        if !own.isEmpty {
            lines += ["**Failing on this branch only** (not known flaky or broken on the target branch: likely this change):", ""]
            for name in own.prefix(limit) {
                let since = breaks[name]?.branchBreak.map { " — fails every attempt since `\($0.sinceCommit)` (\($0.builds) build(s))" } ?? ""
                lines.append("- `\(cell(name))`\(since)")
            }
            if own.count > limit { lines.append("- … and \(own.count - limit) more") }
            lines.append("")
        }
        if !known.isEmpty {
            lines += ["**Failed here, known on the target branch too** (not this branch's doing):", "",
                      "| test | state | flake rate | evidence |", "|---|---|---|---|"]
            for test in known.prefix(limit) {
                lines.append("| `\(cell(test.name))` | \(FlakyReport.stateLabel(test)) | \(FlakyReport.percent(test.flakeRate)) | "
                    + "\(cell(FlakyReport.evidence(test))) |")
            }
            if known.count > limit { lines += ["", "… and \(known.count - limit) more."] }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
