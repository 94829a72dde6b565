import GRDB

/// One finished build's totals, for trend graphs: each test counted once, by its last attempt.
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
    /// first. One grouped scan in SQLite; SQLite takes a bare column of a `max()` aggregate from
    /// the row holding the maximum, which gives each test's final outcome.
    public func buildTrends(branch: String? = nil, limit: Int = 200) throws(StoreError) -> [BuildTrendRow] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                WITH recent AS (
                  SELECT id, commit_sha, branch, created_at, finished_at, simulated, verdict, rowid AS position
                  FROM build WHERE state = 'finished' AND (?1 IS NULL OR branch = ?1)
                  ORDER BY rowid DESC LIMIT ?2
                ), per_test AS (
                  SELECT r.build_id, r.test, max(r.attempt) AS attempts, r.outcome, sum(r.duration) AS seconds
                  FROM result r JOIN recent ON recent.id = r.build_id
                  GROUP BY r.build_id, r.test
                )
                SELECT recent.id, recent.commit_sha, recent.branch, recent.created_at, recent.finished_at,
                       recent.simulated, recent.verdict,
                       count(per_test.test) AS tests,
                       coalesce(sum(per_test.outcome IN ('passed', 'xfailed', 'xpassed')), 0) AS passed,
                       coalesce(sum(per_test.outcome IN ('failed', 'error')), 0) AS failed,
                       coalesce(sum(per_test.outcome = 'skipped'), 0) AS skipped,
                       coalesce(sum(per_test.attempts > 1 AND per_test.outcome IN ('passed', 'xfailed', 'xpassed')), 0) AS retried,
                       coalesce(sum(per_test.seconds), 0) AS seconds
                FROM recent LEFT JOIN per_test ON per_test.build_id = recent.id
                GROUP BY recent.id
                ORDER BY recent.position
                """, arguments: [branch, limit])
            return rows.map { row in
                let created: Double = row["created_at"]
                let finished: Double? = row["finished_at"]
                return BuildTrendRow(
                    build: row["id"], commit: row["commit_sha"], branch: row["branch"], createdAt: created,
                    wallSeconds: finished.map { $0 - created }, simulated: row["simulated"], verdict: row["verdict"],
                    tests: row["tests"], passed: row["passed"], failed: row["failed"], skipped: row["skipped"],
                    passedOnRetry: row["retried"], testSeconds: row["seconds"])
            }
        }
    }
}
