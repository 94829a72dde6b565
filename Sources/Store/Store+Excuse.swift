import GRDB

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
    /// cannot be excused. Every stored build is looked at, not the gate's window of recent
    /// ones (so this is never looser than the gate): one primary-key seek each, on the
    /// coordinator's store queue, at most `confirmLimit` times a build.
    public func mayExcuseFailure(of test: String, in build: String) throws(StoreError) -> Bool {
        try read { db in
            let outcomes = try db.cachedStatement(sql: "SELECT DISTINCT outcome FROM result WHERE build_id = ? AND test = ?")
            func isFailure(_ outcome: String) -> Bool { outcome == "failed" || outcome == "error" }
            if try String.fetchAll(outcomes, arguments: [build, test]).contains(where: { !isFailure($0) }) { return true }
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM quarantine WHERE test = ?", arguments: [test]) == true { return true }
            var failed = false, notFailed = false
            if let row = try Row.fetchOne(db, sql: """
                SELECT sum(failures) AS failures, sum(runs - failures) AS others, sum(flaky_failures) AS flaky
                FROM test_rollup WHERE test = ?
                """, arguments: [test])
            {
                if (row["flaky"] as Int?) ?? 0 > 0 { return true }
                failed = (row["failures"] as Int?) ?? 0 > 0
                notFailed = (row["others"] as Int?) ?? 0 > 0
            }
            // Newest first: a flaky test most likely failed and passed recently.
            let builds = try String.fetchCursor(db, sql: "SELECT id FROM build WHERE id <> ? ORDER BY created_at DESC",
                                                arguments: [build])
            while !(failed && notFailed), let other = try builds.next() {
                for outcome in try String.fetchAll(outcomes, arguments: [other, test]) {
                    if isFailure(outcome) { failed = true } else { notFailed = true }
                }
            }
            return failed && notFailed
        }
    }
}
