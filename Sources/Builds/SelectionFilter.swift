import Adapters
import Config
import Foundation
import SelectionSources
import Model
import Planning
import Selection

/// Impact selection inside planning (`run`/`submit` with `--base` and `--head`): the same
/// `ImpactAnalysis.select` as `testfleet select`, applied to the adapters' test names, keeping
/// count of what it leaves out for the verdict.
struct SelectionFilter {
    private let report: ImpactReport
    private var filter: ImpactSelection.Filter

    /// Nil when the spec asks for no selection (no base or head). `file` is the build's suite
    /// file, already read. The repository is the one holding `root`, or else the suite file's
    /// directory.
    init?(spec: BuildSpec, file: SuiteFile, root: String?) throws(TestfleetError) {
        guard let base = spec.base, let head = spec.head else { return nil }
        try self.init(base: base, head: head, file: file, root: root)
    }

    /// The selection of the change from `base` to `head` (`KnownBreakLapse` asks it about the
    /// commits between two builds).
    init(base: String, head: String, file: SuiteFile, root: String?) throws(TestfleetError) {
        report = try ImpactAnalysis.select(
            in: Self.directory(of: file, root: root), base: base, head: head, suites: file.suites, rules: try ImpactRules(document: file.document),
            providers: AdapterRegistry.impactProvider(for:))
        filter = ImpactSelection.Filter(report.selection)
    }

    /// Where selection looks for the repository: `root`, else the suite file's directory.
    static func directory(of file: SuiteFile, root: String?) -> String {
        root ?? URL(fileURLWithPath: file.path).deletingLastPathComponent().path
    }

    /// The gate reason when the high watermark refuses the build.
    var rebaseRequired: String? { report.watermark?.reason }

    /// Whether `test` of `suite` is planned (see `ImpactSelection.Filter.keep`).
    mutating func keep(suite: String, test: String) -> Bool { filter.keep(suite: suite, test: test) }

    /// What the store keeps about this selection.
    var record: BuildSelection {
        BuildSelection(
            base: report.base, head: report.head, diffBase: report.diffBase, selectedCount: filter.selectedCount,
            skippedCount: filter.skippedCount, runAllReasons: report.selection.runAllReasons, skipped: filter.skipped,
            rebaseRequired: rebaseRequired)
    }
}
