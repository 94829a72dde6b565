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
