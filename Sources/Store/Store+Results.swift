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
