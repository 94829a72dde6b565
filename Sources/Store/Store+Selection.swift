import GRDB
public import Model

extension Store {
    /// Stores what impact selection did to a build (once, after `createBuild`). Replaces an
    /// earlier record of the same build: a resumed build is selected again.
    public func recordSelection(build: String, _ selection: BuildSelection) throws(StoreError) {
        try write { db in
            try db.execute(sql: "DELETE FROM build_selection WHERE build_id = ?", arguments: [build])
            try db.execute(
                sql: """
                    INSERT INTO build_selection (build_id, base, head, diff_base, selected_count, skipped_count,
                                                 run_all_reasons, rebase_required)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [build, selection.base, selection.head, selection.diffBase, selection.selectedCount,
                            selection.skippedCount, selection.runAllReasons.joined(separator: "\n"),
                            selection.rebaseRequired])
            let statement = try db.makeStatement(
                sql: "INSERT INTO selection_skip (build_id, position, suite, test, reason) VALUES (?, ?, ?, ?, ?)")
            // The cap keeps a million-test skip from writing a million rows; the count says the rest.
            for (position, skip) in selection.skipped.prefix(BuildSelection.skipListCap).enumerated() {
                try statement.execute(arguments: [build, position, skip.suite, skip.test, skip.reason])
            }
        }
    }

    /// What impact selection did to `build`, or nil when it ran without `--base/--head`.
    public func selection(build: String) throws(StoreError) -> BuildSelection? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM build_selection WHERE build_id = ?", arguments: [build])
            else { return nil }
            let reasons: String = row["run_all_reasons"]
            let skipped = try Row.fetchAll(
                db, sql: "SELECT suite, test, reason FROM selection_skip WHERE build_id = ? ORDER BY position",
                arguments: [build]
            ).map { BuildSelection.Skip(suite: $0["suite"], test: $0["test"], reason: $0["reason"]) }
            return BuildSelection(
                base: row["base"], head: row["head"], diffBase: row["diff_base"], selectedCount: row["selected_count"],
                skippedCount: row["skipped_count"],
                runAllReasons: reasons.isEmpty ? [] : reasons.split(separator: "\n").map(String.init),
                skipped: skipped, rebaseRequired: row["rebase_required"])
        }
    }
}
