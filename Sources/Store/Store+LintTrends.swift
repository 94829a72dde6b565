import GRDB

/// Lint/import violations recorded for one build or commit, per tool, for trend graphs.
public struct LintTrendRow: Sendable, Hashable {
    /// The build id, or the commit when the violations were recorded without a build.
    public var key: String
    public var tool: String
    public var count: Int
    /// When the first violation of this key was recorded (orders the points).
    public var recordedAt: Double

    public init(key: String, tool: String, count: Int, recordedAt: Double) {
        self.key = key
        self.tool = tool
        self.count = count
        self.recordedAt = recordedAt
    }
}

extension Store {
    /// Violation counts per (build or commit, tool) for the newest `limit` keys, oldest first.
    public func lintTrends(limit: Int = 200) throws(StoreError) -> [LintTrendRow] {
        try read { db in
            try Row.fetchAll(db, sql: """
                WITH keyed AS (
                  SELECT coalesce(build_id, commit_sha, '?') AS key, tool, recorded_at FROM lint_violation
                ), recent AS (
                  SELECT key, min(recorded_at) AS first FROM keyed GROUP BY key ORDER BY first DESC LIMIT ?
                )
                SELECT keyed.key, keyed.tool, count(*) AS n, recent.first
                FROM keyed JOIN recent ON recent.key = keyed.key
                GROUP BY keyed.key, keyed.tool
                ORDER BY recent.first, keyed.tool
                """, arguments: [limit]
            ).map { LintTrendRow(key: $0[0], tool: $0[1], count: $0[2], recordedAt: $0[3]) }
        }
    }
}
