import Model

/// A pytest test can pass in a plain run only because an earlier test of its file ran first in
/// the same process: pint 0.24.4's `test_issues86b` relies on the module-scoped registry that
/// `test_issue86` just switched to converting offset units. Plain pytest (and serial CI) passes
/// it; run alone it fails. When a grant boundary, a hand-back or another worker's share put such
/// a test in a process where its file's earlier tests had not run, its first attempt failed, and
/// so did every retry (each alone, in a fresh process): a build that serial pytest passes failed.
///
/// So the first retry of a pytest test whose first attempt failed without its file's earlier
/// tests before it in its process carries them as its context: the worker runs them first, in
/// the build's (collection) order, in the same fresh process, and reports only the test. That is
/// exactly what a plain pytest run does before it, so a pass there is the pass serial pytest
/// gives; it is still a pass on retry (recorded, the test shown as flaky), and state leaked by
/// any other test, or by an order no plain run has, can still not fake one. A test whose first
/// attempt did run after its file's earlier tests (the usual case: a grant is a run of the
/// collection order) gets no context, and its retries run alone as before.
///
/// A test first in its file takes the previous files' nearest tests instead: the state a plain
/// run has made by then is not only a module's. semver 3.1.2's `tests/conftest.py` has an
/// autouse fixture that puts names into pytest's session-wide `doctest_namespace`, and its
/// `docs/*.rst` doctests, collected after `tests/`, use them: every process of a plain run (and
/// each pytest-xdist worker, which starts near the head of the order) has run a test of `tests/`
/// by then. One that testfleet ran alone in a fork server's child failed, and so did its seven
/// more attempts, each in a fresh child with no context: 1 first build in 6 failed a suite that
/// serial pytest passes. The previous build's failures sent first (`FailedFirst`) keep their
/// cheap retries; the nearest tests are taken within the same budget.
///
/// Once the build cannot pass (`cannotPass`: a test failed every attempt and the gate cannot
/// excuse it), retries run without a context. The verdict is already a failure, and a retry
/// only tells a flaky test from a broken one in the record; a test that passes only after its
/// predecessors is then recorded as failed in that build, as it would be by a runner without
/// contexts. Why: the context is most of what a late failure's retries cost, and they are the
/// build's tail. In dateutil's first builds (three broken tests; the first one is confirmed
/// broken within 2 s), `test_dst_matches_tzdata_zi[tzpath]` fails near the end, and its context
/// retry ran 3–4.9 s of tzdata tests after that, against 0.8 s for the test alone: first builds
/// took 20–22 s against 14–15 s with `--retries 0`.
///
/// "Before it" means in the same grant, too: a warm session tears its module fixtures down
/// after a grant's last test unless the slot knows its next grant continues the file (the
/// worker's `SlotLookahead`; the coordinator cannot tell), so a module-scoped fixture that an
/// earlier grant of the same process set up may be made again for the next one. In pint's
/// build that failed with contexts on,
/// `test_issue86` ran just before `test_issues86b` in the same process, but in the grant
/// before: the registry it had switched was gone.
extension BuildState {
    /// At most this much predicted work runs as a retry's context (its nearest predecessors).
    static let retryContextSeconds = 3.0
    /// Below that, a context is worth at most what the test's first attempt took, and at least
    /// this much. Why: a retry's context runs on a slot, and at a build's end it is the build's
    /// tail; a context of several times the test's own cost made a single late failure's retries
    /// cost more than the rest of its handling. dateutil's first builds with one broken test
    /// left (`test_dst_matches_tzdata_zi[tzpath]`, 0.8 s, after 3 s of tzdata tests) took 17–20 s
    /// against 12.7–14.3 s with `--retries 0`. The tests a retry needs before it are its nearest
    /// ones, and those that suites are known to need are milliseconds: pint's
    /// `test_issue86`, semver's `tests/` tests before its docs doctests.
    static let retryContextFloorSeconds = 0.5
    /// ... and at most this many tests.
    static let retryContextTests = 2_000

    /// The context for the first retry of test `index`, whose first attempt failed at `place`
    /// in lease `lease`: its file's tests before it in the build's order, or the earlier files'
    /// for the first test of a file (same suite and arch;
    /// the nearest ones within `contextBudget(of:)` of their first attempts' durations, or of
    /// their predictions, times their files' scales, before they report), or empty when it is not a pytest test, it is the
    /// suite's first, or those nearest ones all ran before it in its process and grant (by their
    /// first attempts' places and leases; lease 0: not known, not compared). Names are the
    /// frameworks' own (no per-arch suffix).
    func retryContext(of index: Int, failedAt place: RunPlace?, lease: UInt64 = 0) -> [String] {
        let test = planned.tests[index]
        guard let place, planned.suites.indices.contains(test.suite), planned.suites[test.suite].adapter == .pytest,
              index > 0
        else { return [] }
        // Its file's earlier tests (the whole file: the check below looks at all of them).
        let file = TestFile.of(test: test.name)
        let fileMates = Array(earlierTests(than: index).prefix {
            TestFile.of(test: planned.tests[$0].name) == file
        })
        // A test the planner moved ahead of its file on purpose (it failed every attempt of the
        // previous build, `FailedFirst`, or it is long enough to go first) runs without its
        // file's earlier tests by design; a failed-first test had its context retry then. Its
        // retries stay cheap (flask's four broken tests: failure cost 1.10 -> 1.24 with contexts).
        // (Its queue key is its own, not its file's; a file-mate moved ahead changes nothing.)
        if !fileMates.isEmpty, !fileMates.contains(where: { planned.tests[$0].groupWork == test.groupWork }) { return [] }
        // First in its file: the earlier files' nearest tests (see above), not those the planner
        // sent ahead of the order; a failed-first test keeps its cheap retries.
        if fileMates.isEmpty, sentAhead.contains(index), !outOfOrder.contains(index) { return [] }
        let before: AnySequence<Int> = fileMates.isEmpty
            ? AnySequence(earlierTests(than: index).lazy.filter { !self.sentAhead.contains($0) })
            : AnySequence(fileMates)
        // The nearest earlier tests within the budget, each weighed by what its first attempt
        // took when it has reported (a first build predicts from collection alone: dateutil's
        // tzdata tests, guessed at milliseconds, made a 0.6 s test's retry a 10 s context).
        var context: [Int] = []
        var work = 0.0
        let budget = contextBudget(of: index)
        for j in before {  // nearest first
            work += status[j].firstDuration ?? filePrediction(of: j)
            if context.count >= Self.retryContextTests || (work > budget && !context.isEmpty) { break }
            context.append(j)
        }
        // When those already ran before it in its process and grant, the first attempt had the
        // context a retry could afford: the retry would repeat it, so it runs alone.
        let ranBefore = context.allSatisfy {
            guard let earlier = status[$0].firstPlace else { return false }
            return earlier.process == place.process && earlier.position < place.position
                && (lease == 0 || status[$0].firstLease == lease)
        }
        guard !ranBefore else { return [] }
        return context.reversed().map { PerArchName.original(of: planned.tests[$0].name) }
    }

    /// How much of its nearest predecessors' work test `index`'s retry context may hold: what its
    /// first attempt took, within `retryContextFloorSeconds` and `retryContextSeconds`.
    func contextBudget(of index: Int) -> Double {
        min(Self.retryContextSeconds, max(Self.retryContextFloorSeconds, status[index].firstDuration ?? 0))
    }

    /// At most this much measured work (what their first attempts took) runs before a grant's
    /// tests that go to a fork server's child because the session has run past them
    /// (`GrantedTest.fresh`): less than a retry's,
    /// since such groups are first attempts at a build's end, where every second is the build's:
    /// at 0.25 s, freezegun's first builds (one fresh group each, its first `freeze_time` walking
    /// every loaded module) took 2.44 s against 2.28 s without a context; at 0.1 s, 2.17 s, and
    /// semver's docs doctests still passed 10 first builds of 10 with `--retries 0`.
    static let freshContextSeconds = 0.1

    /// The context of a grant's first attempts behind the session's place, run before them in
    /// the fork server's child: the nearest tests before `index` (the first of them) in the
    /// build's order, of its suite and arch, that neither this grant holds (`excluding`: their
    /// results are the grant's own) nor the planner sent ahead, and whose first attempts have
    /// reported, within `freshContextSeconds` of what those took.
    /// The child is a process in which no test ran; a plain run reaches them after their
    /// predecessors, and a test can rely on that across files: semver 3.1.2's `docs/*.rst`
    /// doctests need names that its `tests/` conftest's autouse fixture puts into the
    /// session-wide `doctest_namespace`. Borrowed behind a session's place, six of them failed
    /// their first attempts in a fresh child (2 first builds in 8, each then 2 to 3 times
    /// slower and its tests recorded as flaky).
    func freshContext(before index: Int, excluding grant: Set<Int>) -> [String] {
        // Only those that reported: a first build's guesses priced pyrsistent's 2 s hypothesis
        // tests at 50 ms, and its first builds took 3 s longer (7.9 s to 11 s).
        nearestContext(before: index, excluding: grant, withinFile: false) { self.status[$0].firstDuration }
    }

    /// The nearest tests before `index` (`earlierTests(than:)`; with `withinFile`, up to its
    /// file's first) that neither `grant` holds nor the planner sent ahead, within
    /// `freshContextSeconds` of what `seconds` says each costs (nil: skip it), never past it;
    /// in the build's order, by the frameworks' own names. Empty for a test not pytest's.
    /// Shared by a fresh group's context and a session's start context (`startContext`).
    func nearestContext(before index: Int, excluding grant: Set<Int>, withinFile: Bool,
                        seconds: (Int) -> Double?) -> [String] {
        let test = planned.tests[index]
        guard planned.suites.indices.contains(test.suite), planned.suites[test.suite].adapter == .pytest else { return [] }
        let file = withinFile ? TestFile.of(test: test.name) : nil
        var context: [Int] = []
        var work = 0.0
        for j in earlierTests(than: index) {
            if let file, TestFile.of(test: planned.tests[j].name) != file { break }
            if grant.contains(j) || sentAhead.contains(j) { continue }
            guard context.count < Self.retryContextTests else { break }
            guard let took = seconds(j) else { continue }
            work += took
            if work > Self.freshContextSeconds { break }  // unlike a retry's, never past it
            context.append(j)
        }
        return context.reversed().map { PerArchName.original(of: planned.tests[$0].name) }
    }

    /// The tests before `index` in the build's order that share its suite and arch, nearest
    /// first, up to the suite's start: where both contexts look for what a plain run ran before it.
    func earlierTests(than index: Int) -> UnfoldSequence<Int, Int> {
        let test = planned.tests[index]
        return sequence(state: index - 1) { j in
            while j >= 0 {
                let other = self.planned.tests[j]
                guard other.suite == test.suite else { return nil }
                j -= 1
                if other.arch == test.arch { return j + 1 }
            }
            return nil
        }
    }
}
