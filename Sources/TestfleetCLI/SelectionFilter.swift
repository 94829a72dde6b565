import Config
import Foundation
import Impact
import Model
import Planning

/// Impact selection inside planning (`run`/`submit` with `--base` and `--head`): the same
/// `ImpactAnalysis.select` as `testfleet select`, applied to the adapters' test names, keeping
/// count of what it leaves out for the verdict.
struct SelectionFilter {
    private let report: ImpactReport
    private let lookup: ImpactSelection.Lookup
    /// The selector's reason per skipped (suite, file or target).
    private let reasons: [String: String]
    private(set) var selectedCount = 0
    private(set) var skippedCount = 0
    private(set) var skipped: [BuildSelection.Skip] = []

    /// Nil when the spec asks for no selection (no base or head, or a simulated suite). The
    /// repository is the one holding `root`, or else the suite file's directory.
    init?(spec: BuildSpec, root: String?) throws(SpecError) {
        guard let base = spec.base, let head = spec.head, !spec.isSimulated else { return nil }
        let file = try SuiteFile.load(path: spec.suite)
        let directory = root ?? URL(fileURLWithPath: file.path).deletingLastPathComponent().path
        report = try ImpactAnalysis.select(
            in: directory, base: base, head: head, suites: file.suites, rules: try ImpactRules(document: file.document))
        lookup = ImpactSelection.Lookup(report.selection)
        var reasons: [String: String] = [:]
        for skip in report.selection.skipped { reasons[Self.key(skip.suite, skip.test ?? "")] = skip.why }
        self.reasons = reasons
    }

    /// The gate reason when the high watermark refuses the build.
    var rebaseRequired: String? { report.watermark?.reason }

    /// Whether `test` of `suite` is planned; a test left out is counted and, up to the cap, named.
    mutating func keep(suite: String, test: String) -> Bool {
        if lookup.selects(suite: suite, test: test) {
            selectedCount += 1
            return true
        }
        skippedCount += 1
        if skipped.count < BuildSelection.skipListCap {
            skipped.append(BuildSelection.Skip(suite: suite, test: test, reason: reason(suite: suite, test: test)))
        }
        return false
    }

    /// What the store keeps about this selection.
    var record: BuildSelection {
        BuildSelection(
            base: report.base, head: report.head, diffBase: report.diffBase, selectedCount: selectedCount,
            skippedCount: skippedCount, runAllReasons: report.selection.runAllReasons, skipped: skipped,
            rebaseRequired: rebaseRequired)
    }

    /// The selector's reason for the test's file (pytest) or target (swift), else a generic one.
    private func reason(suite: String, test: String) -> String {
        if let why = reasons[Self.key(suite, test)] { return why }
        for separator in [":", "."] as [Character] {
            if let end = test.firstIndex(of: separator), let why = reasons[Self.key(suite, String(test[..<end]))] {
                return why
            }
        }
        return "no changed path affects it"
    }

    private static func key(_ suite: String, _ test: String) -> String { suite + "\u{0}" + test }
}
