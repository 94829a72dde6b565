import Adapters
import Config
import Foundation
import Model
import Selection
import SelectionSources

/// The known breaks a change may have fixed: a test that failed every run of its history is a
/// known break (`TestCase.knownBreak`: one retry, no confirmation runs) only while nothing it
/// depends on changed. When the commit under test differs from the previous build's, the impact
/// analysis that selection uses (`ImpactAnalysis.select`, from that commit to this one) names the
/// tests the change can affect, and those get the full treatment again: a fix that left a test
/// flaky then has its retries and confirmation runs to pass on, as a new failure would.
///
/// Only where the repository is at hand (planning from a suite file); a coordinator accepting a
/// submitted plan has no checkout, and neither has a repository that lacks the previous commit
/// (a shallow clone): there history alone decides, as it does when no commits are given.
struct KnownBreakLapse {
    let file: SuiteFile
    let root: String?

    /// Those of `known` (test names of the build's tests) that the change from `previous` to
    /// `commit` can affect; nil when the analysis cannot run (it says nothing then).
    func touched(_ known: Set<String>, of tests: [TestCase], suites: [SuiteDefinition], from previous: String,
                 to commit: String) -> Set<String>? {
        let directory = root ?? URL(fileURLWithPath: file.path).deletingLastPathComponent().path
        let report: ImpactReport
        do {
            report = try ImpactAnalysis.select(
                in: directory, base: previous, head: commit, suites: file.suites, rules: try ImpactRules(document: file.document),
                providers: AdapterRegistry.impactProvider(for:))
        } catch {
            return nil
        }
        var filter = ImpactSelection.Filter(report.selection)
        var touched: Set<String> = []
        for test in tests where known.contains(test.name) {
            let name = test.arch == nil ? test.name : PerArchName.original(of: test.name)
            if filter.keep(suite: suites[test.suite].name, test: name) { touched.insert(test.name) }
        }
        return touched
    }
}
