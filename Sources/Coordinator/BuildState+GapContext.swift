import Model

/// A warm pytest session that takes up its suite's order somewhere after where it last was
/// (`furthestWarm`) skips the tests in between: another session ran them. In a plain run they
/// ran just before, in the same process, and a test can rely on what its file's previous class
/// left behind. pyparsing 3.2.0's `Test05_EnableBoundedPackratParsing::runTest` turns bounded
/// packrat parsing on, and `Test06_WithBoundedPackrat::test000_assert_packrat_status`, next in
/// the file, asserts it is on. A later build's homes (`PlannedBuild.giveHomes(inRunsOf:)`) cut
/// `test_unit.py`, 1,712 of its 1,819 tests, between the two in 3 later builds of 3: the second
/// session started at `Test06`, its first attempt failed, and the build (already failing: ten
/// tests are broken, so retries carry no context) counted eleven failures where serial pytest
/// counts ten.
///
/// So such a grant's first in-order test carries its file's nearest earlier tests that the
/// session skipped as its context (`GrantedTest.context`), and the worker runs them in the
/// session just before it, unreported: the cost of a fresh group's context
/// (`freshContextSeconds`), at each place a session jumps to, which is where its run starts and
/// where it borrows another's unstarted tests. Only its own file's: a jump to a file's first
/// test is where a first build's homes (whole files) start a session, and bringing another
/// file's tests in would collect that file there too.
extension BuildState {
    /// The context of a grant's first in-order test `index` for its warm session, which last got
    /// to `furthest` in the build's order (nil: nowhere yet): the file's tests between the two,
    /// nearest first, that neither this grant holds (`excluding`) nor the planner sent ahead,
    /// within `freshContextSeconds` of what their first attempts took or, before they report,
    /// of their predictions. Empty when the session ran the test just before it, or for a test
    /// that is not pytest's.
    func gapContext(before index: Int, sessionReached furthest: Int?, excluding grant: Set<Int>) -> [String] {
        let test = planned.tests[index]
        guard planned.suites.indices.contains(test.suite), planned.suites[test.suite].adapter == .pytest else { return [] }
        let file = TestFile.of(test: test.name)
        var context: [Int] = []
        var work = 0.0
        for j in earlierTests(than: index) {
            if let furthest, j <= furthest { break }  // the session got here itself
            guard TestFile.of(test: planned.tests[j].name) == file else { break }
            if grant.contains(j) || sentAhead.contains(j) { continue }
            work += status[j].firstDuration ?? max(planned.tests[j].predicted, 0)
            if work > Self.freshContextSeconds || context.count >= Self.retryContextTests { break }
            context.append(j)
        }
        return context.reversed().map { PerArchName.original(of: planned.tests[$0].name) }
    }
}
