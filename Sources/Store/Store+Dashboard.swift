import GRDB

/// One build for lists (`/api/builds`, the builds page): its identity, state and counts, each
/// test counted once by its final outcome. Running builds count what is stored so far.
public struct BuildListRow: Sendable, Hashable {
    public var build: String
    public var commit: String?
    public var branch: String?
    public var state: String
    public var verdict: String?
    public var simulated: Bool
    public var createdAt: Double
    public var finishedAt: Double?
    public var tests: Int
    public var passed: Int
    public var failed: Int
    public var skipped: Int
    /// Tests that failed and then passed on a retry.
    public var passedOnRetry: Int

    /// A build's counts (each test once, by its final outcome).
    public struct Counts: Sendable, Hashable {
        public var tests = 0, passed = 0, failed = 0, skipped = 0, passedOnRetry = 0

        public init(tests: Int = 0, passed: Int = 0, failed: Int = 0, skipped: Int = 0, passedOnRetry: Int = 0) {
            (self.tests, self.passed, self.failed, self.skipped, self.passedOnRetry) = (tests, passed, failed, skipped, passedOnRetry)
        }
    }

    /// The counts of this row.
    public var counts: Counts {
        get { Counts(tests: tests, passed: passed, failed: failed, skipped: skipped, passedOnRetry: passedOnRetry) }
        set { (tests, passed, failed, skipped, passedOnRetry) = (newValue.tests, newValue.passed, newValue.failed, newValue.skipped, newValue.passedOnRetry) }
    }
}

/// Marks that move whenever anything a dashboard shows could have changed: a new build, a
/// finished build, a quarantine decision. Equal stamps mean a cached analysis is still current.
public struct StoreChangeStamp: Sendable, Hashable {
    public var newestBuild: Int64
    public var finishedBuilds: Int
    public var newestQuarantineEvent: Int64
}

extension Store {
    /// The newest `limit` builds (optionally of one branch), newest first, with their counts.
    public func buildList(branch: String? = nil, limit: Int = 50) throws(StoreError) -> [BuildListRow] {
        let rows = try recentBuilds(branch: branch, limit: limit)
        let counts = try buildCounts(rows.map(\.build))
        return rows.map { row in
            var row = row
            if let found = counts[row.build] { row.counts = found }
            return row
        }
    }

    /// The newest `limit` builds (optionally of one branch), newest first, their counts left at 0
    /// (`buildCounts` fills them; a dashboard keeps finished builds' counts, which never change).
    public func recentBuilds(branch: String? = nil, limit: Int = 50) throws(StoreError) -> [BuildListRow] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, commit_sha, branch, state, verdict, simulated, created_at, finished_at
                FROM build WHERE (?1 IS NULL OR branch = ?1) ORDER BY rowid DESC LIMIT ?2
                """, arguments: [branch, limit]
            ).map { row in
                BuildListRow(build: row["id"], commit: row["commit_sha"], branch: row["branch"], state: row["state"],
                             verdict: row["verdict"], simulated: row["simulated"], createdAt: row["created_at"],
                             finishedAt: row["finished_at"], tests: 0, passed: 0, failed: 0, skipped: 0, passedOnRetry: 0)
            }
        }
    }

    /// Each build's counts, each test counted once by its final outcome: one scan of the build's
    /// key range each (builds without results are absent).
    public func buildCounts(_ builds: [String]) throws(StoreError) -> [String: BuildListRow.Counts] {
        try read { db in
            let statement = try db.cachedStatement(sql: """
                WITH per_test AS (\(Self.finalOutcomePerTest))
                SELECT count(*) AS tests,
                       coalesce(sum(outcome IN ('passed', 'xfailed', 'xpassed')), 0) AS passed,
                       coalesce(sum(outcome IN ('failed', 'error')), 0) AS failed,
                       coalesce(sum(outcome = 'skipped'), 0) AS skipped,
                       coalesce(sum(any_failed AND outcome IN ('passed', 'xfailed', 'xpassed')), 0) AS retried
                FROM per_test
                """)
            var counts: [String: BuildListRow.Counts] = [:]
            for build in builds {
                guard let row = try Row.fetchOne(statement, arguments: [build]), (row["tests"] as Int) > 0 else { continue }
                counts[build] = BuildListRow.Counts(tests: row["tests"], passed: row["passed"], failed: row["failed"],
                                                    skipped: row["skipped"], passedOnRetry: row["retried"])
            }
            return counts
        }
    }

    /// Whether any build of `branch` is stored.
    public func hasBranch(_ branch: String) throws(StoreError) -> Bool {
        try read { db in try Bool.fetchOne(db, sql: "SELECT 1 FROM build WHERE branch = ? LIMIT 1", arguments: [branch]) ?? false }
    }

    /// Branches with stored builds, by name.
    public func branches() throws(StoreError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT DISTINCT branch FROM build WHERE branch IS NOT NULL ORDER BY branch") }
    }

    /// See `StoreChangeStamp`: three index lookups.
    public func changeStamp() throws(StoreError) -> StoreChangeStamp {
        try read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT (SELECT coalesce(max(rowid), 0) FROM build),
                       (SELECT count(*) FROM build WHERE state = 'finished'),
                       (SELECT coalesce(max(seq), 0) FROM quarantine_event)
                """)!
            return StoreChangeStamp(newestBuild: row[0], finishedBuilds: row[1], newestQuarantineEvent: row[2])
        }
    }

    /// Answers a trivial query: the store is open and readable (a readiness probe).
    public func ping() throws(StoreError) {
        try read { db in _ = try Int.fetchOne(db, sql: "SELECT 1") }
    }

    /// Tests with a failed attempt in the newest finished build of `branch` (a PR comment's
    /// subject), by name.
    public func testsFailed(onBranch branch: String) throws(StoreError) -> Set<String> {
        try read { db in
            Set(try String.fetchAll(db, sql: """
                SELECT DISTINCT r.test FROM result r
                WHERE r.build_id = (SELECT id FROM build WHERE branch = ? AND state = 'finished' ORDER BY rowid DESC LIMIT 1)
                  AND r.outcome IN ('failed', 'error')
                """, arguments: [branch]))
        }
    }
}
