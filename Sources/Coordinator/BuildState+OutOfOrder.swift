import Model

extension BuildState {
    /// `outOfOrder`: the pytest tests the planner sent first because they are long
    /// (`CollectionOrder`: their queue key is their own prediction, where the suite's other
    /// tests share one key per suite and arch, which keeps the order). Their first attempt is
    /// granted `alone`: it runs in a process of its own, not at the head of a warm session, so
    /// what it leaves behind never reaches the tests the session then runs in their order. A plain run never moves a test
    /// so. The previous build's failures, also sent first (`FailedFirst`, a key above every
    /// other), are not alone: twenty failing tests of a pytest-django suite alone would set its
    /// test database up twenty times. A grant's such tests share one fork server's child
    /// (`GrantedTest.fresh`).
    /// djangorestframework-simplejwt's migration tests (TransactionTestCase, last in a plain run,
    /// 0.5 s: long enough to go first) migrated the session's test database back and forth
    /// first, and a later file's tests failed after them (14 first attempts in 4 builds of 6 on
    /// a loaded machine, all passing on retry: recorded as flaky).
    /// Computed once per build (`outOfOrder` is lazy).
    func testsSentAheadForLength() -> Set<Int> {
        testsSentAhead().filter { planned.tests[$0].groupWork == planned.tests[$0].predicted }
    }

    /// The pytest tests queued out of their suite's collection order on purpose: long ones and
    /// the previous build's failures (their queue key is not the one the suite's other tests
    /// share). Neither counts as where a warm session has got to (`furthestWarm`).
    func testsSentAhead() -> Set<Int> {
        struct Key: Hashable {
            var suite: Int
            var arch: Arch?
        }
        var keys: [Key: [Double]] = [:]
        for test in planned.tests where isPytest(test.suite) {
            keys[Key(suite: test.suite, arch: test.arch), default: []].append(test.groupWork)
        }
        let shared = keys.mapValues(PlannedBuild.sharedGroupWork)
        var moved = Set<Int>()
        for (index, test) in planned.tests.enumerated() where isPytest(test.suite) {
            // A long test's key is its own prediction; a failure sent first has a higher one.
            if let key = shared[Key(suite: test.suite, arch: test.arch)] ?? nil, test.groupWork != key {
                moved.insert(index)
            }
        }
        return moved
    }

    private func isPytest(_ suite: Int) -> Bool {
        planned.suites.indices.contains(suite) && planned.suites[suite].adapter == .pytest
    }
}
