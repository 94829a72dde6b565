import GRDB
import Model

extension Store {
    /// Whether the gate could excuse `test` failing every attempt of `build`; false only when
    /// it surely cannot, so a caller may take the build as failed (the coordinator then drops
    /// the build's other confirmation runs).
    ///
    /// The gate lets such a test through only on a person's quarantine or on a flaky record
    /// (`GateInput.addHistory`): failures outside breaks, in a test that also passed. An
    /// automatic quarantine needs that record too. So this answers true when the test has a
    /// row in the quarantine table, when `build` itself stored an attempt of it that did not
    /// fail (a late copy the coordinator ignored is still a pass on retry to the gate), or when
    /// the other builds and the rollups (days pruned from the raw results) hold both a failure
    /// and an attempt that did not fail (skipped included), or a flaky failure. A test that
    /// never failed before (the usual regression) or never passed (a new or broken test)
    /// cannot be excused. Every stored build is looked at (`loadHistory`'s point lookups), not
    /// the gate's window of recent ones, so this is never looser than the gate; it runs on the
    /// coordinator's store queue, at most `confirmLimit` times a build.
    public func mayExcuseFailure(of test: String, in build: String) throws(StoreError) -> Bool {
        let (quarantined, rollup) = try read { db in
            (try Bool.fetchOne(db, sql: "SELECT 1 FROM quarantine WHERE test = ?", arguments: [test]) == true,
             try Self.rolledUp(test, db))
        }
        if quarantined || rollup.flaky > 0 { return true }
        let history = try loadHistory(tests: [test])
        var failed = rollup.failures > 0, notFailed = rollup.others > 0
        for attempt in history.attempts {
            let failure = attempt.outcome.isFailure
            if history.builds[Int(attempt.build)].id == build {
                if !failure { return true }
            } else if failure {
                failed = true
            } else {
                notFailed = true
            }
        }
        return failed && notFailed
    }
}

extension Store {
    /// The stored failed attempts of each of `tests` that has nothing but failed attempts (raw
    /// results and rollups of pruned days together); a test with any other outcome, or none, is
    /// left out. The planner reads both of its rules from it (`BuildLifecycle.predict`): those
    /// tests never passed (`TestCase.neverPassed`), and those with at least a build's worth of
    /// failures, confirmation runs included, are known breaks (`TestCase.knownBreak`): they get
    /// none when they fail their ordinary attempts again, since more runs could only repeat their
    /// history, and the gate cannot excuse a test that never passed unless a person quarantined
    /// it, which the coordinator still asks (`mayExcuseFailure`). Meant for the previous build's
    /// failures: each is looked up on its own.
    public func failuresOfNeverPassed(among tests: [String]) throws(StoreError) -> [String: Int] {
        guard !tests.isEmpty else { return [:] }
        var failures: [String: Int] = [:]
        var passed: Set<String> = []
        try read { db in
            for test in tests {
                let rollup = try Self.rolledUp(test, db)
                failures[test] = rollup.failures
                if rollup.others > 0 { passed.insert(test) }
            }
        }
        let history = try loadHistory(tests: tests.filter { !passed.contains($0) })
        for attempt in history.attempts {
            let test = history.testNames[Int(attempt.test)]
            if attempt.outcome.isFailure { failures[test, default: 0] += 1 } else { passed.insert(test) }
        }
        return failures.filter { !passed.contains($0.key) && $0.value > 0 }
    }

    /// `test`'s attempts in the rollups of pruned days: failed ones, ones that did not fail
    /// (skipped included), and failures in builds where it also passed.
    static func rolledUp(_ test: String, _ db: Database) throws -> (failures: Int, others: Int, flaky: Int) {
        let row = try Row.fetchOne(db, sql: """
            SELECT sum(failures), sum(runs - failures), sum(flaky_failures) FROM test_rollup WHERE test = ?
            """, arguments: [test])
        return (row?[0] ?? 0, row?[1] ?? 0, row?[2] ?? 0)
    }
}
