import Model

/// Tests a grant moved out of collection order (`GrantedTest.alone`): a long test and the rest of
/// its unit (its top-level class or function), which the planner sends ahead together.
extension SlotPool {
    /// `tests` cut into runs of consecutive names of one unit (`TestFile.unit`), in their order:
    /// each run goes to a fork server's child of its own. One unit's tests share what the unit
    /// makes once (a class-scoped fixture, a cache filled on first use), as in a plain run; tests
    /// of two units together could leak into each other, which a plain run's order never let them.
    static func unitRuns(of tests: [String]) -> [[String]] {
        var runs: [[String]] = []
        for test in tests {
            if let last = runs.last?.last, TestFile.unit(of: last) == TestFile.unit(of: test) {
                runs[runs.count - 1].append(test)
            } else {
                runs.append([test])
            }
        }
        return runs
    }
}
