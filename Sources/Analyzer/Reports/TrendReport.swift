public import Foundation
public import Store

/// The static HTML report: trend graphs (test counts, failures and flakes, durations) over recent
/// builds, and a table of those builds. Pure: it renders what it is given.
public enum TrendReport {
    /// - Parameters:
    ///   - builds: oldest first (`Store.buildTrends`).
    ///   - flakySection: the flaky-test section's HTML (`FlakySection.html`).
    ///   - days: per-day totals for the daily charts (`Store.dayTrends`); empty: none.
    public static func html(builds: [BuildTrendRow], lint: [LintTrendRow] = [], days: [DayTrendRow] = [],
                            generatedAt: Date = Date(), flakySection: String? = nil) -> String {
        var figures = charts(builds: builds, lint: lint).map { "<figure>\($0.render())</figure>" }.joined(separator: "\n")
        if !days.isEmpty {
            figures += "\n<h2>Daily, \(days.count) days</h2>\n<p>Days marked * were pruned: read from their rollups.</p>\n"
                + dailyCharts(days: days).map { "<figure>\($0.render())</figure>" }.joined(separator: "\n")
        }
        let simulatedNote = builds.contains(where: \.simulated)
            ? "<p class=\"sim\">Builds marked SIMULATED ran the simulated suite: their results say nothing about real code.</p>"
            : ""
        var rows = ""
        for build in builds.reversed() {
            let verdict = build.verdict ?? "?"
            rows += "<tr class=\"\(verdict)\"><td>\(HTMLText.escape(build.build))\(build.simulated ? " <b>SIMULATED</b>" : "")</td>"
            rows += "<td>\(HTMLText.escape(build.commit ?? "—"))</td><td>\(HTMLText.escape(build.branch ?? "—"))</td>"
            rows += "<td>\(verdict)</td><td>\(build.tests)</td><td>\(build.passed)</td><td>\(build.failed)</td>"
            rows += "<td>\(build.skipped)</td><td>\(build.passedOnRetry)</td>"
            rows += "<td>\(build.wallSeconds.map { String(format: "%.1f", $0) } ?? "—")</td></tr>\n"
        }
        let flaky = flakySection ?? ""
        let stamp = ISO8601DateFormatter().string(from: generatedAt)
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>testfleet report</title>
            <style>
            body { font-family: sans-serif; margin: 2em; color: #222 }
            table { border-collapse: collapse } td, th { padding: 2px 8px; border-bottom: 1px solid #eee; text-align: right }
            td:first-child, th:first-child { text-align: left } tr.fail td { background: #fdecea }
            .sim { color: #8a6d3b } figure { margin: 1em 0 }
            \(FlakySection.css)
            </style></head><body>
            <h1>testfleet report</h1>
            <p>\(builds.count) most recent finished builds; generated \(stamp).</p>
            \(simulatedNote)
            \(figures)
            \(flaky)
            <h2>Builds, newest first</h2>
            <table><tr><th>build</th><th>commit</th><th>branch</th><th>verdict</th><th>tests</th><th>passed</th>
            <th>failed</th><th>skipped</th><th>passed on retry</th><th>wall s</th></tr>
            \(rows)</table>
            </body></html>

            """
    }

    /// The trend charts, in page order, each with its `id`: `tests` (total, passed, skipped),
    /// `failures` (failed every attempt, passed on retry), `flake-rate` (percent of tests that
    /// passed on retry), `duration` (wall seconds, test seconds / 10), and `lint` per tool when
    /// violations were recorded. The report and the dashboard's trends page both draw these.
    public static func charts(builds: [BuildTrendRow], lint: [LintTrendRow] = []) -> [SVGLineChart] {
        let labels = builds.map { $0.commit.map { String($0.prefix(7)) } ?? String($0.build.suffix(6)) }
        var charts = [
            SVGLineChart(id: "tests", title: "Tests per build", unit: "", labels: labels, series: [
                .init(name: "total", color: "#1f77b4", values: builds.map { Double($0.tests) }),
                .init(name: "passed", color: "#2ca02c", values: builds.map { Double($0.passed) }),
                .init(name: "skipped", color: "#7f7f7f", values: builds.map { Double($0.skipped) }),
            ]),
            SVGLineChart(id: "failures", title: "Failures and flakes per build", unit: "", labels: labels, series: [
                .init(name: "failed (every attempt)", color: "#d62728", values: builds.map { Double($0.failed) }),
                .init(name: "passed on retry", color: "#ff7f0e", values: builds.map { Double($0.passedOnRetry) }),
            ]),
            SVGLineChart(id: "flake-rate", title: "Flake rate (passed on retry / tests)", unit: "%", labels: labels, series: [
                .init(name: "flake rate", color: "#9467bd", values: builds.map(flakeRatePercent)),
            ]),
            SVGLineChart(id: "duration", title: "Build duration", unit: "s", labels: labels, series: [
                .init(name: "wall time", color: "#17becf", values: builds.map { $0.wallSeconds ?? .nan }),
                .init(name: "test time / 10", color: "#bcbd22", values: builds.map { $0.testSeconds / 10 }),
            ]),
        ]
        if !lint.isEmpty { charts.append(lintGraph(lint)) }
        return charts
    }

    /// The daily trend charts over `days` (`Store.dayTrends`, oldest first), each point a UTC
    /// day's per-build means: days whose raw results were pruned come from their rollups, so a
    /// long range shows every day. Ids: `daily-tests`, `daily-failures`, `daily-flake-rate`,
    /// `daily-duration`.
    public static func dailyCharts(days: [DayTrendRow]) -> [SVGLineChart] {
        let labels = days.map { dayLabel($0.day) + ($0.rolledUp ? "*" : "") }
        return [
            SVGLineChart(id: "daily-tests", title: "Tests per build, daily mean (* from rollups)", unit: "", labels: labels, series: [
                .init(name: "builds", color: "#8c564b", values: days.map { Double($0.builds) }),
                .init(name: "total", color: "#1f77b4", values: days.map { $0.perBuild($0.tests) }),
                .init(name: "passed", color: "#2ca02c", values: days.map { $0.perBuild($0.passed) }),
                .init(name: "skipped", color: "#7f7f7f", values: days.map { $0.perBuild($0.skipped) }),
            ]),
            SVGLineChart(id: "daily-failures", title: "Failures and flakes per build, daily mean", unit: "", labels: labels, series: [
                .init(name: "failed (every attempt)", color: "#d62728", values: days.map { $0.perBuild($0.failed) }),
                .init(name: "passed on retry", color: "#ff7f0e", values: days.map { $0.perBuild($0.passedOnRetry) }),
            ]),
            SVGLineChart(id: "daily-flake-rate", title: "Flake rate per day (passed on retry / tests)", unit: "%", labels: labels,
                         series: [.init(name: "flake rate", color: "#9467bd", values: days.map(\.flakeRatePercent))]),
            SVGLineChart(id: "daily-duration", title: "Build duration, daily mean", unit: "s", labels: labels, series: [
                .init(name: "wall time", color: "#17becf", values: days.map(\.meanWallSeconds)),
                .init(name: "test time / 10", color: "#bcbd22", values: days.map { $0.meanTestSeconds / 10 }),
            ]),
        ]
    }

    /// "2024-10-04" for a day number.
    static func dayLabel(_ day: Int) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: Date(timeIntervalSince1970: Double(day) * 86_400))
    }

    /// Percent of a build's tests that passed on a retry (0 for an empty build).
    public static func flakeRatePercent(_ build: BuildTrendRow) -> Double {
        build.tests == 0 ? 0 : 100 * Double(build.passedOnRetry) / Double(build.tests)
    }

    /// One line per lint tool over the builds (or commits) that recorded violations.
    static func lintGraph(_ rows: [LintTrendRow]) -> SVGLineChart {
        var keys: [String] = []
        for row in rows where keys.last != row.key && !keys.contains(row.key) { keys.append(row.key) }
        let position = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) })
        let palette = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]
        let tools = Array(Set(rows.map(\.tool))).sorted()
        let series = tools.enumerated().map { n, tool -> SVGLineChart.Series in
            var values = [Double](repeating: 0, count: keys.count)
            for row in rows where row.tool == tool { values[position[row.key]!] = Double(row.count) }
            return .init(name: tool, color: palette[n % palette.count], values: values)
        }
        return SVGLineChart(id: "lint", title: "Lint and import violations", unit: "",
                            labels: keys.map { String($0.suffix(7)) }, series: series)
    }
}
