import Analyzer
import ArgumentParser
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

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be from 1 to 10000") }
    }

    func run() throws {
        let store = try self.store.open()
        let builds: [BuildTrendRow]
        let lint: [LintTrendRow]
        do {
            builds = try store.buildTrends(branch: branch, limit: limit)
            lint = try store.lintTrends(limit: limit)
        } catch { throw TestfleetError.infrastructure("\(error)") }
        let flaky: String
        do {
            let (history, analysis) = try FlakyAnalyzer.analyze(store: store)
            let reasons = Dictionary(try store.quarantined().map { ($0.test, $0.reason) }, uniquingKeysWith: { a, _ in a })
            flaky = FlakySection.html(analysis, history: history, reasons: reasons)
        } catch { throw TestfleetError.infrastructure("\(error)") }
        let html = TrendReport.html(builds: builds, lint: lint, flakySection: flaky)
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
