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
    /// A long test takes the rest of its unit (`TestFile.unit`) with it, under its key
    /// (`CollectionOrder`): those are granted `alone` too, and the worker runs a grant's run of
    /// one unit's such tests in one child, as a plain run would run them in one process.
    /// Computed once per build (`outOfOrder` is lazy).
    func testsSentAheadForLength() -> Set<Int> {
        struct UnitKey: Hashable {
            var suite: Int
            var arch: Arch?
            var unit: Substring
            var key: Double
        }
        let ahead = testsSentAhead()
        let unitKey = { (test: TestCase, key: Double) in
            UnitKey(suite: test.suite, arch: test.arch, unit: TestFile.unit(of: test.name), key: key)
        }
        // The keys of long tests, by their units: a key is a long test's own prediction.
        // (A failure of the previous build sent first has a key of its own: not one of these.)
        let longKeys = Set(ahead.map { unitKey(planned.tests[$0], planned.tests[$0].predicted) })
        return ahead.filter { longKeys.contains(unitKey(planned.tests[$0], planned.tests[$0].groupWork)) }
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
