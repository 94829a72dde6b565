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
                let state = test.state.rawValue + (test.arch.map { " (\($0.rawValue))" } ?? "")
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
    /// A PR comment for one branch: what broke on the branch itself (its own doing), and which
    /// of the tests that failed on it are known flaky or broken on the target branch too (not
    /// its doing). `failedOnBranch`: tests with a failed attempt in the branch's builds.
    public static func render(_ analysis: FlakyAnalysis, branch: String, failedOnBranch: Set<String>, limit: Int = 25) -> String {
        var lines = ["### testfleet: tests on `\(cell(branch))`", ""]
        let own = FlakyReport.branchBreakRows(analysis).filter { $0.branchBreak?.branch == branch }
        let known = FlakyReport.rows(analysis).filter { failedOnBranch.contains($0.name) && $0.branchBreak?.branch != branch }
        if own.isEmpty && known.isEmpty {
            lines.append(failedOnBranch.isEmpty
                ? "No test failed on this branch."
                : "\(failedOnBranch.count) test(s) failed on this branch; none is known flaky or broken, and none fails every attempt now.")
            return lines.joined(separator: "\n") + "\n"
        }
        if !own.isEmpty {
            lines += ["**Broken on this branch** (every attempt fails in its newest builds; not on the target branch):", ""]
            for test in own.prefix(limit) {
                lines.append("- `\(cell(test.name))` since `\(test.branchBreak!.sinceCommit)` (\(test.branchBreak!.builds) build(s))")
            }
            lines.append("")
        }
        if !known.isEmpty {
            lines += ["**Failed here, known on the target branch too** (not this branch's doing):", "",
                      "| test | state | flake rate | evidence |", "|---|---|---|---|"]
            for test in known.prefix(limit) {
                lines.append("| `\(cell(test.name))` | \(test.state.rawValue) | \(FlakyReport.percent(test.flakeRate)) | "
                    + "\(cell(FlakyReport.evidence(test))) |")
            }
            if known.count > limit { lines += ["", "… and \(known.count - limit) more."] }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
