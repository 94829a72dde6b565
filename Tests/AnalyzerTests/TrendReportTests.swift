import Foundation
import Testing
import Model
import Store
@testable import Analyzer

@Suite struct TrendReportTests {
    @Test func niceStepsAreRound() {
        #expect(SVGLineChart.niceStep(maximum: 20_000) == 5_000)
        #expect(SVGLineChart.niceStep(maximum: 14) == 5)
        #expect(SVGLineChart.niceStep(maximum: 0.02) == 0.005)
        #expect(SVGLineChart.niceStep(maximum: 0) == 1)
    }

    @Test func chartsEscapeTextAndPlotEveryPoint() {
        let chart = SVGLineChart(title: "a <b> & \"c\"", unit: "s", labels: ["x", "y", "z"],
                                 series: [.init(name: "n", color: "#123456", values: [1, 2, .nan])])
        let svg = chart.render()
        #expect(svg.contains("a &lt;b&gt; &amp; &quot;c&quot;"))
        #expect(svg.components(separatedBy: "<circle").count - 1 == 2, "a NaN point is left out")
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"))
    }

    @Test func dailyChartsDrawPerBuildMeansAndMarkRolledUpDays() throws {
        var pruned = DayTrendRow(day: 20_000)
        pruned.rolledUp = true
        (pruned.builds, pruned.tests, pruned.failed, pruned.passedOnRetry) = (4, 400, 2, 8)
        var raw = DayTrendRow(day: 20_001)
        (raw.builds, raw.tests, raw.timedBuilds, raw.wallSeconds) = (2, 100, 2, 30)
        let charts = TrendReport.dailyCharts(days: [pruned, raw])
        #expect(charts.map(\.id) == ["daily-tests", "daily-failures", "daily-flake-rate", "daily-duration"])
        let tests = try #require(charts.first)
        #expect(tests.labels == ["2024-10-04*", "2024-10-05"])
        #expect(tests.series.first { $0.name == "total" }?.values == [100, 50], "per-build means, not day sums")
        #expect(charts[1].series[0].values == [0.5, 0])
        #expect(charts[2].series[0].values == [2, 0])
        #expect(charts[3].series[0].values[0].isNaN && charts[3].series[0].values[1] == 15, "a day without wall times has no point")
    }

    /// Real store: three builds with retries and failures, read back as trends and rendered.
    @Test func trendsComeFromTheStore() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tf-trend-\(UUID().uuidString).db").path
        let store = try Store(path: path)
        func result(_ test: String, _ attempt: Int, _ outcome: Outcome) -> TestResult {
            TestResult(test: test, attempt: attempt, outcome: outcome, duration: 1, worker: "w", arch: .x86_64)
        }
        for (n, commit) in ["c1", "c2", "c3"].enumerated() {
            try store.createBuild(BuildSpec(id: "b\(n)", suite: "sim:3", commit: commit, branch: "main", maxAttempts: 3), testCount: 3)
            try store.recordResults(build: "b\(n)", [
                result("t::a", 1, .passed),
                result("t::b", 1, .failed), result("t::b", 2, n == 2 ? .failed : .passed),
                result("t::c", 1, .skipped),
            ])
            try store.finishBuild("b\(n)", verdict: n == 2 ? .fail : .pass)
        }
        let trends = try store.buildTrends(branch: "main")
        #expect(trends.map(\.build) == ["b0", "b1", "b2"])
        #expect(trends[0].tests == 3 && trends[0].passed == 2 && trends[0].skipped == 1 && trends[0].passedOnRetry == 1)
        #expect(trends[2].failed == 1 && trends[2].passedOnRetry == 0)
        #expect(trends[0].testSeconds == 4)
        #expect(try store.buildTrends(branch: "other").isEmpty)
        try store.recordLint([LintViolation(path: "a.py", line: 1, column: 1, code: "F401", message: "unused"),
                              LintViolation(path: "b.py", line: 2, column: 0, code: "E501", message: "long")],
                             tool: "ruff", build: "b2", commit: "c3")
        let lint = try store.lintTrends()
        #expect(lint == [LintTrendRow(key: "b2", tool: "ruff", count: 2, recordedAt: lint.first?.recordedAt ?? 0)])
        let html = TrendReport.html(builds: trends, lint: lint)
        #expect(html.contains("<svg") && html.contains("c3") && html.contains("<tr class=\"fail\">"))
        #expect(html.contains("Lint and import violations"))
    }
}
