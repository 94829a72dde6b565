import Model

extension BuildState {
    /// The pytest tests the planner sent first because they are long (`CollectionOrder`: their
    /// queue key is their own prediction, where the suite's other tests share one key per suite
    /// and arch, which keeps the order). Their first attempt is granted `alone`: it runs in a
    /// process of its own, not at the head of a warm session, so what it leaves behind never
    /// reaches the tests the session then runs in their order. A plain run never moves a test
    /// so. The previous build's failures, also sent first (`FailedFirst`, a key above every
    /// other), stay in the session: that is pytest's own `--failed-first`, and twenty failing
    /// tests of a pytest-django suite alone would set its test database up twenty times.
    /// djangorestframework-simplejwt's migration tests (TransactionTestCase, last in a plain run,
    /// 0.5 s: long enough to go first) migrated the session's test database back and forth
    /// first, and a later file's tests failed after them (14 first attempts in 4 builds of 6 on
    /// a loaded machine, all passing on retry: recorded as flaky).
    var outOfOrder: Set<Int> {
        if let outOfOrderCache { return outOfOrderCache }
        struct Key: Hashable {
            var suite: Int
            var arch: Arch?
        }
        var counts: [Key: [Double: Int]] = [:]
        for test in planned.tests where isPytest(test.suite) {
            counts[Key(suite: test.suite, arch: test.arch), default: [:]][test.groupWork, default: 0] += 1
        }
        // The shared key is the most common one (ties: the smallest, which is the suite's share;
        // a moved test's key is its own prediction or above every other key).
        let shared = counts.mapValues { keys in keys.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }?.key }
        var moved = Set<Int>()
        for (index, test) in planned.tests.enumerated() where isPytest(test.suite) {
            if let key = shared[Key(suite: test.suite, arch: test.arch)] ?? nil, test.groupWork != key,
               test.groupWork == test.predicted {
                moved.insert(index)
            }
        }
        outOfOrderCache = moved
        return moved
    }

    private func isPytest(_ suite: Int) -> Bool {
        planned.suites.indices.contains(suite) && planned.suites[suite].adapter == .pytest
    }
}
