import Config
import Model
import SelectionSources

/// The known breaks a change may have fixed: a test that failed every run of its history is a
/// known break (`TestCase.knownBreak`: one retry, no confirmation runs) only while nothing it
/// depends on changed. When the commit under test differs from the previous build's, the impact
/// analysis that selection uses (`SelectionFilter`, from that commit to this one) names the
/// tests the change can affect, and those get the full treatment again: a fix that left a test
/// flaky then has its retries and confirmation runs to pass on, as a new failure would.
///
/// Only where the repository is at hand: planning from a suite file, or `submit` measuring the
/// change for a coordinator that has no checkout (`BuildLifecycle.affectedFailures`). A
/// checkout that lacks the previous commit (a shallow clone, as CI makes) fetches it from
/// `origin`, else from `remote`; where that fails, history alone decides, as it does when no
/// commits are given.
struct KnownBreakLapse {
    let file: SuiteFile
    let root: String?
    /// Where to fetch the previous commit from when the checkout has no `origin` (the build's
    /// repository, `BuildSpec.repository`).
    var remote: String? = nil

    /// Those of `known` (names of `tests`, planned from `file`'s suites) that the change from
    /// `previous` to `commit` can affect; nil when the analysis cannot run (it says nothing then).
    func touched(_ known: Set<String>, of tests: [TestCase], from previous: String, to commit: String) -> Set<String>? {
        guard let repository = try? GitRepository(containing: SelectionFilter.directory(of: file, root: root)),
              repository.ensureCommit(previous, elseFrom: remote),
              var selection = try? SelectionFilter(base: previous, head: commit, file: file, root: root) else { return nil }
        var touched: Set<String> = []
        for test in tests where known.contains(test.name) {
            let suite = file.suites[test.suite]
            // Selection knows an `every`-arch test by the adapter's name, not by its per-arch copy's.
            let name = suite.arch == .every ? PerArchName.original(of: test.name) : test.name
            if selection.keep(suite: suite.name, test: name) { touched.insert(test.name) }
        }
        return touched
    }
}
