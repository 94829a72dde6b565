import GRDB
import GRDBSQLite
public import Model
import Foundation

/// What one `ingest` call recorded.
public struct IngestReport: Sendable, Hashable {
    /// Attempts written (a test case with two Surefire reruns is three).
    public var attempts = 0
    /// Tests seen for the first time in this build.
    public var newTests = 0
    /// Whether the build had no results before this call (then the next two describe all of it).
    public var buildWasEmpty = false
    /// Tests whose last attempt in this call failed or errored.
    public var failedTests = 0
    /// When the build was empty: the whole build folded per test, as `Store.summary(build:)`
    /// would read it back, and every attempt (numbered) of the tests that failed at least once.
    /// The gate of a just-ingested build starts from these instead of reading the rows again.
    public var written: WrittenBuild?

    /// A build as one ingest call wrote it (see `IngestReport.written`).
    public struct WrittenBuild: Sendable, Hashable {
        public var summary: BuildSummary
        public var notableResults: [TestResult]
        /// Its trend totals, folded as they were written (what `finishBuild` stores); the
        /// summary carries them, as `Store.summary(build:)`'s does.
        public var total: BuildTotal { summary.total ?? BuildTotal() }
    }
}

extension Store {
    /// Records results brought from another CI (`testfleet ingest junit`) as attempts of build
    /// `spec.id`, in ONE transaction: either every file of the call is stored or none is.
    ///
    /// The build row is created with source `ingest`, or reused when an earlier ingest call made
    /// it (a build made by `run` is a user error: its attempts are the coordinator's). Each
    /// element of `testCases` is one test case's attempts in order (reruns first, the final one
    /// last); `attempt` in them is ignored: each gets the next number after what the build
    /// already holds for that test, so a second file for the same build (a CI retry of the
    /// failed tests) becomes attempt 2, 3, …. The build is left finished with `verdict`
    /// computed afterwards by the caller through `finishBuild` (it depends on every file).
    ///
    /// Hot path: the test cases are sorted by name and inserted in key order through one raw
    /// prepared statement; attempts number on from what the build holds (read once, and only
    /// non-empty for a re-opened build).
    ///
    /// `createdAt` (Unix time) dates a new build row (default: now): simulated histories span days.
    public func ingest(build spec: BuildSpec, testCases: [[TestResult]], createdAt: Double? = nil) throws(StoreError)
        -> IngestReport
    {
        // Every row's parent is the build row made or checked just below, and each output row
        // follows its result row: the per-row foreign-key lookups would only repeat that.
        try writeWithoutForeignKeyChecks { db in
            let source = try String.fetchOne(db, sql: "SELECT source FROM build WHERE id = ?", arguments: [spec.id])
            if let source, source != "ingest" {
                throw StoreError("build '\(spec.id)' was made by `testfleet \(source)`, not by ingest; choose another --build id",
                                 isUserError: true)
            }
            if source == nil {
                try db.execute(
                    sql: """
                        INSERT INTO build (id, suite, simulated, commit_sha, branch, base, max_attempts, test_count, source,
                                           created_at, commit_position)
                        VALUES (?, ?, 0, ?, ?, ?, ?, 0, 'ingest', ?, ?)
                        """,
                    arguments: [spec.id, spec.suite, spec.commit, spec.branch, spec.base, min(max(spec.maxAttempts, 1), 10),
                                createdAt ?? Date().timeIntervalSince1970, spec.commitPosition])
            } else {
                // Re-opened: a later file may change the verdict, which `finishBuild` sets again.
                try db.execute(sql: "UPDATE build SET state = 'running', verdict = NULL, finished_at = NULL WHERE id = ?",
                               arguments: [spec.id])
                try Self.forgetBuildTotal(db, build: spec.id)
            }
            // Ingested names arrive in the file's order, not key order, so a big file inserts all
            // over the primary-key B-tree; with SQLite's default 2 MB page cache every insert
            // then re-reads pages (1M test cases: ~7 s). 512 MB holds the build's part of the
            // tree for the transaction; the cache is only filled as far as the rows need.
            let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
            try db.execute(sql: "PRAGMA cache_size = -524288")
            defer { try? db.execute(sql: "PRAGMA cache_size = \(cacheSize)") }
            let report = try Self.insertNumbered(testCases, build: spec.id, into: db)
            let attempts = try Int.fetchOne(db, sql: "SELECT max(attempt) FROM result WHERE build_id = ?", arguments: [spec.id]) ?? 1
            try db.execute(
                sql: "UPDATE build SET test_count = test_count + ?, max_attempts = max(max_attempts, min(?, 10)) WHERE id = ?",
                arguments: [report.newTests, attempts, spec.id])
            return report
        }
    }

    static func insertNumbered(_ testCases: [[TestResult]], build: String, into db: Database) throws -> IngestReport {
        guard let connection = db.sqliteConnection else { throw StoreError("the store connection is closed") }
        // Attempts already stored per test: only a re-opened build has any.
        var stored: [String: Int] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT test, max(attempt) FROM result WHERE build_id = ? GROUP BY test",
                                       arguments: [build])
        while let row = try rows.next() { stored[row[0] as String] = row[1] as Int }
        var inserter = try ResultInserter(connection)
        defer { inserter.finalize() }
        // Key order (stable, so a name repeated in the call keeps its file order): each insert
        // lands beside the previous one in the primary-key B-tree instead of on a random page,
        // and a repeated name's attempts are adjacent, so numbering needs no per-test map.
        let names = testCases.map { $0.first?.test ?? "" }
        var order = Array(names.indices)
        names.withUnsafeBufferPointer { names in
            order.sort { a, b in
                let x = names[a], y = names[b]
                return x == y ? a < b : x < y
            }
        }
        var report = IngestReport()
        report.buildWasEmpty = stored.isEmpty
        // A new build is all here: fold it as it is written (one rule with `summary(build:)`).
        var written = stored.isEmpty ? WrittenFolder() : nil
        var buildID = build
        var previous: String?
        var lastFailed = false
        var next = 1
        try buildID.withUTF8 { buildBytes in
            for position in order {
                guard let name = testCases[position].first?.test else { continue }
                if name != previous {
                    if previous != nil, lastFailed { report.failedTests += 1 }
                    written?.endTest()
                    next = (stored[name] ?? 0) + 1
                    previous = name
                }
                lastFailed = testCases[position].last?.outcome.isFailure ?? false
                for result in testCases[position] {
                    let attempt = next
                    next += 1
                    let inserted = try inserter.insert(result, name: name, number: attempt, build: buildBytes)
                    report.attempts += 1
                    if attempt == 1 { report.newTests += 1 }
                    if inserted { written?.add(result, name: name, attempt: attempt) }
                }
            }
        }
        if previous != nil, lastFailed { report.failedTests += 1 }
        report.written = written?.finish()
        return report
    }

    /// Builds `IngestReport.WrittenBuild` during `insertNumbered`: the summary fold plus the
    /// attempts of each test that failed at least once.
    private struct WrittenFolder {
        var folder = BuildSummary.Folder()
        var totals = BuildTotal.Folder()
        var notable: [TestResult] = []
        var attempts: [TestResult] = []
        var failed = false

        mutating func add(_ result: TestResult, name: String, attempt: Int) {
            var bytes = name
            bytes.withUTF8 { _ = folder.add(name: $0, outcome: result.outcome) }
            // As the row stores it (and `Store.results` would read it): the number given here,
            // a clean duration, no output (the gate reads none).
            let numbered = TestResult(test: name, attempt: attempt, outcome: result.outcome,
                                      duration: result.duration.isFinite ? max(0, result.duration) : 0,
                                      worker: result.worker, arch: result.arch)
            attempts.append(numbered)
            totals.add(outcome: result.outcome, duration: numbered.duration)
            if result.outcome.isFailure { failed = true }
        }

        mutating func endTest() {
            totals.endTest()
            if failed { notable.append(contentsOf: attempts) }
            attempts.removeAll(keepingCapacity: true)
            failed = false
        }

        mutating func finish() -> IngestReport.WrittenBuild {
            endTest()
            var summary = folder.finish()
            // The store's key order is UTF-8 byte order; Swift's `<` (which ordered the
            // inserts) agrees except on names that are not in normal form C.
            let byteOrder: (BuildSummary.Notable, BuildSummary.Notable) -> Bool = {
                $0.test.utf8.lexicographicallyPrecedes($1.test.utf8)
            }
            summary.failures.sort(by: byteOrder)
            summary.passedOnRetry.sort(by: byteOrder)
            summary.total = totals.finish()
            return IngestReport.WrittenBuild(summary: summary, notableResults: notable)
        }
    }

    /// Every stored output of a build, keyed by test then attempt (for `run --junit`).
    public func outputs(build: String) throws(StoreError) -> [String: [Int: (lz4: [UInt8], size: Int, dropped: Int)]] {
        try read { db in
            var outputs: [String: [Int: (lz4: [UInt8], size: Int, dropped: Int)]] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT test, attempt, lz4, size, dropped FROM output WHERE build_id = ?",
                                           arguments: [build])
            while let row = try rows.next() {
                let data: [UInt8] = (row[2] as DatabaseValue).storage.blobBytes
                outputs[row[0] as String, default: [:]][row[1] as Int] = (data, row[3], row[4])
            }
            return outputs
        }
    }
}
