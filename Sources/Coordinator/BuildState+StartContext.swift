/// A warm pytest session that starts in the middle of a file skips the tests before it there:
/// another session runs them. In a plain run they ran just before, in the same process, and a
/// test can rely on what its file's previous class left behind. pyparsing 3.2.0's
/// `Test05_EnableBoundedPackratParsing::runTest` turns bounded packrat parsing on, and
/// `Test06_WithBoundedPackrat::test000_assert_packrat_status`, next in the file, asserts it is
/// on. A later build's homes (`PlannedBuild.giveHomes(inRunsOf:)`) cut `test_unit.py`, 1,712 of
/// its 1,819 tests, between the two in 3 later builds of 3: the second session started at
/// `Test06`, its first attempt failed, and the build (already failing: ten tests are broken, so
/// retries carry no context) counted eleven failures where serial pytest counts ten.
///
/// So the first test a session runs in order, when its file's earlier tests are another
/// session's, carries the nearest of them as its context (`GrantedTest.context`), and the
/// worker runs them in the session just before it, unreported: at most a fresh group's context
/// (`freshContextSeconds`), once per session and build. Only where a session starts: there the
/// tests before it are the end of another session's run, which runs them much later. Where a
/// session borrows another's unstarted tests, the ones before them are often running on that
/// other worker at that moment, and the same test run twice at once in one directory can fail
/// both copies (a file of fixed name written and removed). Only its own file's: a session that
/// starts at a file's first test is where a first build's homes (whole files) start one, and
/// bringing another file's tests in would collect that file there too.
extension BuildState {
    /// The context of the first test `index` a warm session runs in order: its file's tests
    /// before it, nearest first, that neither this grant holds (`excluding`) nor the planner
    /// sent ahead, within `freshContextSeconds` of what their first attempts took or, before
    /// they report, of their predictions. Empty for a file's first test, or one not pytest's.
    func startContext(before index: Int, excluding grant: Set<Int>) -> [String] {
        nearestContext(before: index, excluding: grant, withinFile: true) {
            self.status[$0].firstDuration ?? max(self.planned.tests[$0].predicted, 0)
        }
    }
}
