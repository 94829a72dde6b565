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
    /// Known breaks among `tests`: tests with at least `minimumFailures` stored failed attempts
    /// (raw results and rollups of pruned days together) and not one attempt that did not fail.
    /// A test that has failed every run it ever had, a build's confirmation runs included, gets
    /// none when it fails its ordinary attempts again (`TestCase.knownBreak`): they could only
    /// repeat its history, and the gate cannot excuse a test that never passed unless a person
    /// quarantined it, which the coordinator still asks (`mayExcuseFailure`). Meant for the few
    /// tests the previous build failed: each is looked up on its own.
    public func knownBreaks(among tests: [String], minimumFailures: Int) throws(StoreError) -> Set<String> {
        guard !tests.isEmpty, minimumFailures > 0 else { return [] }
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
        return Set(tests.filter { !passed.contains($0) && failures[$0, default: 0] >= minimumFailures })
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
