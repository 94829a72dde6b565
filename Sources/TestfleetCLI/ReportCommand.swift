import Analyzer
import ArgumentParser
import Builds
import Foundation
import Model
import Store

/// `testfleet report --out DIR`: a static HTML report with SVG trend graphs.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a static HTML report with trend graphs of recent builds to DIR/index.html.")

    @Option(help: "Directory to write the report into (created if missing).")
    var out: String

    @OptionGroup var store: StoreOptions

    @Option(help: "Only builds of this branch.")
    var branch: String?

    @Option(help: "How many recent builds to chart.")
    var limit: Int = 100

    @Option(help: "Also chart the last N UTC days, one point a day (pruned days from their rollups); 0: none.")
    var days: Int = 90

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be from 1 to 10000") }
        guard (0...3_650).contains(days) else { throw ValidationError("--days must be from 0 to 3650") }
    }

    func run() throws {
        let store = try self.store.open()
        let builds: [BuildTrendRow]
        let lint: [LintTrendRow]
        var dayRows: [DayTrendRow] = []
        do {
            builds = try store.buildTrends(branch: branch, limit: limit)
            lint = try store.lintTrends(limit: limit)
            if days > 0 {
                let today = TestRollup.day(of: Date().timeIntervalSince1970)
                dayRows = try store.dayTrends(fromDay: today - days + 1, toDay: today,
                                              targetBranches: AnalyzerConfiguration.defaultTargetBranches)
            }
        } catch { throw TestfleetError.infrastructure("\(error)") }
        let flaky: String
        do {
            // The window `testfleet flaky` reads, plus the rollups of pruned days.
            var lastBuilds: Int?
            if let newest = try store.latestBuild() { lastBuilds = AnalysisRefresh(window: Int.max).builds(testsPerBuild: newest.testCount) }
            let (history, analysis) = try FlakyAnalyzer.analyze(store: store, lastBuilds: lastBuilds)
            let reasons = Dictionary(try store.quarantined().map { ($0.test, $0.reason) }, uniquingKeysWith: { a, _ in a })
            flaky = FlakySection.html(analysis, history: history, reasons: reasons)
        } catch { throw TestfleetError.infrastructure("\(error)") }
        let html = TrendReport.html(builds: builds, lint: lint, days: dayRows, flakySection: flaky)
        let folder = URL(fileURLWithPath: out)
        let file = folder.appendingPathComponent("index.html")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(html.utf8).write(to: file)
        } catch {
            throw TestfleetError.badInput("cannot write the report to \(file.path): \(error.localizedDescription)")
        }
        print("report: \(file.path) (\(builds.count) builds)")
    }
}
