import GRDB

/// One finished build's totals, for trend graphs: each test counted once, by its final outcome.
public struct BuildTrendRow: Sendable, Hashable {
    public var build: String
    public var commit: String?
    public var branch: String?
    public var createdAt: Double
    public var wallSeconds: Double?
    public var simulated: Bool
    public var verdict: String?
    public var tests: Int
    public var passed: Int
    public var failed: Int
    public var skipped: Int
    /// Tests that failed and then passed on a retry in this build.
    public var passedOnRetry: Int
    /// Sum of every attempt's duration: the machine time the build cost.
    public var testSeconds: Double
}

extension Store {
    /// Per-build totals of the newest `limit` finished builds (optionally of one branch), oldest
    /// first.
    public func buildTrends(branch: String? = nil, limit: Int = 200) throws(StoreError) -> [BuildTrendRow] {
        try read { db in
            try Self.trendRows(db, filter: "state = 'finished' AND (?1 IS NULL OR branch = ?1) ORDER BY rowid DESC LIMIT ?2",
                               arguments: [branch, limit])
        }
    }

    /// Per-day totals (`DayTrendRow`) of the UTC days `fromDay...toDay` that had finished builds,
    /// oldest first: days `prune` rolled up from their rollup (`trend_day`), the others folded
    /// from their builds now, the same way. `branchClass` nil: both classes summed; a build on
    /// one of `targetBranches` (or on no branch) is `target`, any other `side`, as in `rollUp`.
    public func dayTrends(fromDay: Int, toDay: Int, branchClass: TestRollup.BranchClass? = nil,
                          targetBranches: Set<String>) throws(StoreError) -> [DayTrendRow]
    {
        try read { db in
            var days: [Int: DayTrendRow] = [:]
            let rolled = Set(try Int.fetchAll(db, sql: "SELECT day FROM rollup_day WHERE day BETWEEN ? AND ?",
                                              arguments: [fromDay, toDay]))
            for row in try Row.fetchAll(db, sql: """
                SELECT day, builds, simulated_builds, tests, passed, failed, skipped, passed_on_retry, test_seconds,
                       timed_builds, wall_seconds
                FROM trend_day WHERE day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR branch_class = ?3)
                """, arguments: [fromDay, toDay, branchClass?.rawValue])
            {
                var day = DayTrendRow(day: row[0])
                day.rolledUp = true
                (day.builds, day.simulatedBuilds, day.tests, day.passed, day.failed) = (row[1], row[2], row[3], row[4], row[5])
                (day.skipped, day.passedOnRetry, day.testSeconds, day.timedBuilds, day.wallSeconds) = (row[6], row[7], row[8], row[9], row[10])
                days[day.day, default: DayTrendRow(day: day.day)].add(day)
            }
            let builds = try Self.trendRows(db, filter: """
                state = 'finished' AND created_at >= ?1 AND created_at < ?2 ORDER BY created_at, rowid
                """, arguments: [Double(fromDay) * 86_400, Double(toDay + 1) * 86_400])
            for build in builds {
                let day = TestRollup.day(of: build.createdAt)
                guard !rolled.contains(day) else { continue }  // a running build's leftovers of a pruned day
                if let branchClass, TestRollup.branchClass(of: build.branch, targetBranches: targetBranches) != branchClass {
                    continue
                }
                days[day, default: DayTrendRow(day: day)].add(build)
            }
            return days.values.sorted { $0.day < $1.day }
        }
    }

    /// Per-build trend rows of the builds `filter` picks (a WHERE clause on `build`, with its
    /// ORDER BY and LIMIT), oldest first. Each build's totals come from `build_total` (written
    /// when it finished); a build without one (still running, or given late results) is folded
    /// from its results now (`Store+BuildTotals.swift`), so the rows read the same either way.
    static func trendRows(_ db: Database, filter: String, arguments: StatementArguments) throws -> [BuildTrendRow] {
        let rows = try Row.fetchAll(db, sql: """
            WITH recent AS (
              SELECT id, commit_sha, branch, created_at, finished_at, simulated, verdict, rowid AS position
              FROM build WHERE \(filter)
            )
            SELECT recent.id, recent.commit_sha, recent.branch, recent.created_at, recent.finished_at,
                   recent.simulated, recent.verdict, t.tests, t.passed, t.failed, t.skipped, t.passed_on_retry, t.test_seconds
            FROM recent LEFT JOIN build_total t ON t.build_id = recent.id
            ORDER BY recent.position
            """, arguments: arguments)
        return try rows.map { row in
            let id: String = row["id"]
            let created: Double = row["created_at"]
            let finished: Double? = row["finished_at"]
            let total = if let tests = row["tests"] as Int? {
                (tests: tests, passed: row["passed"] as Int, failed: row["failed"] as Int, skipped: row["skipped"] as Int,
                 passedOnRetry: row["passed_on_retry"] as Int, testSeconds: row["test_seconds"] as Double)
            } else {
                try foldBuildTotal(db, build: id)
            }
            return BuildTrendRow(
                build: id, commit: row["commit_sha"], branch: row["branch"], createdAt: created,
                wallSeconds: finished.map { $0 - created }, simulated: row["simulated"], verdict: row["verdict"],
                tests: total.tests, passed: total.passed, failed: total.failed, skipped: total.skipped,
                passedOnRetry: total.passedOnRetry, testSeconds: total.testSeconds)
        }
    }

    /// Adds a day's finished builds to its `trend_day` rows (inside `rollUp`'s transaction).
    static func rollUpTrends(_ db: Database, day: Int, buildIDs: [String], targetBranches: Set<String>) throws {
        var classes: [TestRollup.BranchClass: DayTrendRow] = [:]
        for id in buildIDs {
            for build in try trendRows(db, filter: "id = ?1", arguments: [id]) {
                classes[TestRollup.branchClass(of: build.branch, targetBranches: targetBranches), default: DayTrendRow(day: day)]
                    .add(build)
            }
        }
        for (branchClass, row) in classes {
            try db.execute(sql: """
                INSERT INTO trend_day (day, branch_class, builds, simulated_builds, tests, passed, failed, skipped,
                                       passed_on_retry, test_seconds, timed_builds, wall_seconds)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (day, branch_class) DO UPDATE SET
                  builds = builds + excluded.builds, simulated_builds = simulated_builds + excluded.simulated_builds,
                  tests = tests + excluded.tests, passed = passed + excluded.passed, failed = failed + excluded.failed,
                  skipped = skipped + excluded.skipped, passed_on_retry = passed_on_retry + excluded.passed_on_retry,
                  test_seconds = test_seconds + excluded.test_seconds, timed_builds = timed_builds + excluded.timed_builds,
                  wall_seconds = wall_seconds + excluded.wall_seconds
                """, arguments: [
                    day, branchClass.rawValue, row.builds, row.simulatedBuilds, row.tests, row.passed, row.failed, row.skipped,
                    row.passedOnRetry, row.testSeconds, row.timedBuilds, row.wallSeconds,
                ])
        }
    }
}
