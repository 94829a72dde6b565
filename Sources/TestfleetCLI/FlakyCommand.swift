import Analyzer
import ArgumentParser
import Builds
import Foundation
import Model
import Store

/// `testfleet flaky [--json] [--markdown] [--all]`: flaky, broken, quarantined and fixed tests
/// with their evidence, most harmful first.
struct FlakyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flaky",
        abstract: "Flaky, broken, quarantined and fixed tests with their evidence, ranked by harm.")

    @Flag(help: "Print a JSON array: [{test, state, flake_rate, evidence, since_commit}, …]; a PR's break also has \"branch\", an order-dependent test \"order_dependent\" and \"depends_on\".")
    var json = false

    @Flag(help: "Print a Markdown report suited to a PR comment.")
    var markdown = false

    @Option(help: "With --markdown: a PR comment for this branch only (its own breaks; its failures known flaky or broken elsewhere).")
    var branch: String?

    @Flag(help: "Include stable tests too.")
    var all = false

    @Option(help: "Analyse the newest builds holding about this many results (estimated from the newest build's test count), so the cost stays flat as history grows; 0: the whole store.")
    var windowResults: Int = AnalysisRefresh().resultBudget

    @OptionGroup var store: StoreOptions

    func validate() throws {
        if json && markdown { throw ValidationError("--json and --markdown are exclusive; pick one") }
        guard windowResults >= 0 else { throw ValidationError("--window-results must be 0 or more, got \(windowResults)") }
        if branch != nil && !markdown { throw ValidationError("--branch needs --markdown (a PR comment for that branch)") }
    }

    func run() throws {
        let store = try self.store.open()
        let analysis: FlakyAnalysis
        do {
            var lastBuilds: Int?
            if windowResults > 0, let newest = try store.latestBuild() {
                lastBuilds = AnalysisRefresh(window: Int.max, resultBudget: windowResults).builds(testsPerBuild: newest.testCount)
            }
            analysis = try FlakyAnalyzer.analyze(store: store, lastBuilds: lastBuilds).analysis
        } catch { throw TestfleetError.infrastructure("\(error)") }
        if json {
            print(FlakyReport.json(analysis, includeStable: all))
        } else if markdown, let branch {
            guard try store.hasBranch(branch) else { throw TestfleetError.badInput("no build of branch '\(branch)' in \(store.path)") }
            print(MarkdownReport.render(analysis, branch: branch, failedOnBranch: try store.testsFailed(onBranch: branch)),
                  terminator: "")
        } else if markdown {
            print(MarkdownReport.render(analysis), terminator: "")
        } else {
            let rows = FlakyReport.rows(analysis, includeStable: all)
            let branchBreaks = FlakyReport.branchBreakRows(analysis)
            if rows.isEmpty && branchBreaks.isEmpty { print("no flaky or broken tests among \(analysis.tests.count) tests") }
            for test in rows {
                let since = test.sinceCommit.map { " since \($0)" } ?? ""
                let dependsOn = test.orderDependency.map { " on \($0.dependsOn)" } ?? ""
                print("\(FlakyReport.stateLabel(test))\(dependsOn)\(since)  \(test.name)  rate \(String(format: "%.3g%%", test.flakeRate * 100))")
                print("    \(FlakyReport.evidence(test))")
            }
            for test in branchBreaks {
                let found = test.branchBreak!
                print("broken on \(found.branch) since \(found.sinceCommit)  \(test.name)")
                print("    \(FlakyReport.branchEvidence(found))")
            }
        }
    }
}
