import GRDB
import GRDBSQLite
public import Model

/// A stored attempt, as read back.
public struct StoredResult: Sendable, Hashable {
    public var test: String
    public var attempt: Int
    public var outcome: Outcome
    public var duration: Double
    public var worker: String
    public var arch: String
}

extension Store {
    /// Records attempts of one build in one transaction and returns how many were new. An
    /// attempt already stored (a late duplicate after a lease was requeued, or a batch resent
    /// after a reconnect) is dropped: (build, test, attempt) is the primary key.
    ///
    /// This is the ingest hot path: one raw prepared statement per table, reused for every row,
    /// with text bound in place (no copies), inside a GRDB write transaction.
    @discardableResult
    public func recordResults(build: String, _ results: [TestResult]) throws(StoreError) -> Int {
        try recordResults(build: build, batches: [results])
    }

    /// Records several batches of one build in one transaction (a coordinator's turn).
    @discardableResult
    public func recordResults(build: String, batches: [[TestResult]]) throws(StoreError) -> Int {
        guard batches.contains(where: { !$0.isEmpty }) else { return 0 }
        return try write { db in try Self.insert(batches, build: build, into: db) }
    }

    static func insert(_ batches: [[TestResult]], build: String, into db: Database) throws -> Int {
        guard let connection = db.sqliteConnection else { throw StoreError("the store connection is closed") }
        // A finished build's totals would no longer match its rows (a late attempt).
        try forgetBuildTotal(db, build: build)
        var inserter = try ResultInserter(connection)
        defer { inserter.finalize() }
        var inserted = 0
        var buildID = build
        try buildID.withUTF8 { buildBytes in
            for result in batches.joined()
            where try inserter.insert(result, name: result.test, number: result.attempt, build: buildBytes) {
                inserted += 1
            }
        }
        return inserted
    }

    /// Every stored attempt of a build, ordered by test then attempt.
    public func results(build: String) throws(StoreError) -> [StoredResult] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT test, attempt, outcome, duration, worker, arch FROM result WHERE build_id = ? ORDER BY test, attempt",
                arguments: [build]
            ).map { row in
                StoredResult(
                    test: row[0], attempt: row[1], outcome: Outcome(rawValue: row[2]) ?? .error, duration: row[3],
                    worker: row[4], arch: row[5])
            }
        }
    }

    /// How many attempts a build has stored.
    public func resultCount(build: String) throws(StoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM result WHERE build_id = ?", arguments: [build]) ?? 0 }
    }

    /// What the newest finished `run` build of `suite` (the suite file a build names) failed:
    /// the tests that failed every attempt there (the planner starts them first, as pytest's
    /// `--failed-first`; a test that passed on a retry keeps its place, so the order-dependence
    /// check still sees it where it ran), and among them the still broken: at least two attempts
    /// and at least the build's ordinary ones there, at least `minimumFailures` failed attempts
    /// in all, and no attempt ever passed, in the newest `historyBuilds` builds or the rollups of
    /// older days. A test that never passed has no flaky record and no automatic quarantine, so
    /// only a pass can change its verdict; the failures asked for are those of one build with
    /// all its confirmation runs (a flaky test at 50 % fails them all one time in 256).
    public func latestFailures(suite: String, minimumFailures: Int, historyBuilds: Int = 500, candidateLimit: Int = 100)
        throws(StoreError) -> LatestFailures
    {
        try read { db in
            guard let build = try Row.fetchOne(db, sql: """
                SELECT id, max_attempts FROM build WHERE suite = ? AND source = 'run' AND state = 'finished'
                ORDER BY rowid DESC LIMIT 1
                """, arguments: [suite]) else { return LatestFailures() }
            let ordinary: Int = build[1]
            var failures = LatestFailures()
            var candidates: [String] = []
            let rows = try Row.fetchCursor(db, sql: """
                SELECT test, count(*), sum(outcome IN ('failed', 'error')) FROM result
                WHERE build_id = ? GROUP BY test HAVING sum(outcome IN ('failed', 'error')) > 0
                """, arguments: [build[0] as String])
            while let row = try rows.next() {
                let test: String = row[0], attempts: Int = row[1], failed: Int = row[2]
                guard failed == attempts else { continue }
                failures.failedThroughout.insert(test)
                if attempts >= max(2, ordinary) { candidates.append(test) }
            }
            // Point lookups per candidate (the result key starts with the build): a handful of
            // broken tests cost milliseconds; past the limit (an outage) nobody is skipped.
            guard candidates.count <= candidateLimit else { return failures }
            let record = try db.makeStatement(sql: """
                SELECT (SELECT count(*) FROM result WHERE test = ?1 AND outcome IN ('passed', 'xpassed')
                          AND build_id IN (SELECT id FROM build ORDER BY rowid DESC LIMIT ?2))
                     + (SELECT coalesce(sum(runs - failures), 0) FROM rollup_total WHERE test = ?1),
                       (SELECT count(*) FROM result WHERE test = ?1 AND outcome IN ('failed', 'error')
                          AND build_id IN (SELECT id FROM build ORDER BY rowid DESC LIMIT ?2))
                     + (SELECT coalesce(sum(failures), 0) FROM rollup_total WHERE test = ?1)
                """)
            for test in candidates {
                guard let row = try Row.fetchOne(record, arguments: [test, historyBuilds]) else { continue }
                let passes: Int = row[0], failed: Int = row[1]
                if passes == 0 && failed >= minimumFailures { failures.stillBroken.insert(test) }
            }
            return failures
        }
    }

    /// The stored (compressed) output of one attempt: LZ4 bytes, original size, bytes dropped.
    public func output(build: String, test: String, attempt: Int) throws(StoreError) -> (lz4: [UInt8], size: Int, dropped: Int)? {
        try read { db in
            try Row.fetchOne(
                db, sql: "SELECT lz4, size, dropped FROM output WHERE build_id = ? AND test = ? AND attempt = ?",
                arguments: [build, test, attempt]
            ).map { row in
                let data: [UInt8] = (row[0] as DatabaseValue).storage.blobBytes
                return (data, row[1], row[2])
            }
        }
    }
}

extension DatabaseValue.Storage {
    var blobBytes: [UInt8] {
        if case .blob(let data) = self { return [UInt8](data) }
        return []
    }
}

extension Outcome {
    /// The text stored for an outcome, as a static C string (bound without a copy).
    var storedText: StaticString {
        switch self {
        case .passed: "passed"
        case .failed: "failed"
        case .error: "error"
        case .skipped: "skipped"
        case .xfailed: "xfailed"
        case .xpassed: "xpassed"
        }
    }
}

extension Arch {
    var storedText: StaticString {
        switch self {
        case .x86_64: "x86_64"
        case .aarch64: "aarch64"
        }
    }
}

/// What a suite's previous build failed (`Store.latestFailures`).
public struct LatestFailures: Sendable, Equatable {
    /// Tests whose every attempt failed or errored.
    public var failedThroughout: Set<String> = []
    /// Tests that failed every attempt there, enough times in all, and never passed
    /// (`Store.latestFailures`).
    public var stillBroken: Set<String> = []

    public init(failedThroughout: Set<String> = [], stillBroken: Set<String> = []) {
        self.failedThroughout = failedThroughout
        self.stillBroken = stillBroken
    }
}
