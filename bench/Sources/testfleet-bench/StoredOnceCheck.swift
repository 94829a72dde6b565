// The service-load bench's check that every result was stored exactly once, read straight from
// the coordinator's SQLite file with the C API (read-only; no testfleet code in between).
import Foundation
import GRDBSQLite

struct StoredOnceCheck {
    /// What the store holds for one build.
    struct Build {
        var id: String
        var rows = 0
        var distinctTests = 0
        /// (test, attempt) pairs stored more than once (the primary key forbids them; counted
        /// anyway, in case a schema change ever drops it).
        var duplicateAttempts = 0
        /// Tests whose attempts are not exactly 1…N (a lost or doubled attempt).
        var gappedTests = 0
        /// Tests with exactly one final result (their highest attempt).
        var testsWithOneFinal = 0
        /// Expected test names missing from the store.
        var missingTests = 0
        var state = ""
        var verdict = ""

        func holds(expectedTests: Int) -> Bool {
            distinctTests == expectedTests && missingTests == 0 && duplicateAttempts == 0 && gappedTests == 0
                && testsWithOneFinal == expectedTests && state == "finished"
        }
    }

    let path: String

    func check(build id: String, expectedNames: [String]) throws -> Build {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let db else {
            throw BenchFailure("cannot open \(path) read-only")
        }
        defer { sqlite3_close(db) }
        sqlite3_busy_timeout(db, 10_000)
        /// Runs `sql` with the build id as ?1 and hands each row to `row`.
        func each(_ sql: String, _ row: (OpaquePointer) -> Void) throws {
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
                throw BenchFailure("\(sql): \(String(cString: sqlite3_errmsg(db)))")
            }
            defer { sqlite3_finalize(statement) }
            sqlite3_bind_text(statement, 1, id, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
            while sqlite3_step(statement) == SQLITE_ROW { row(statement) }
        }
        func integers(_ sql: String) throws -> [Int] {
            var out: [Int] = []
            try each(sql) { statement in
                if out.isEmpty { out = (0..<sqlite3_column_count(statement)).map { Int(sqlite3_column_int64(statement, $0)) } }
            }
            return out
        }
        func strings(_ sql: String) throws -> [String] {
            var out: [String] = []
            try each(sql) { statement in out.append(sqlite3_column_text(statement, 0).map { String(cString: $0) } ?? "") }
            return out
        }
        var build = Build(id: id)
        let counts = try integers("SELECT count(*), count(DISTINCT test) FROM result WHERE build_id = ?1")
        build.rows = counts.first ?? 0
        build.distinctTests = counts.count > 1 ? counts[1] : 0
        build.duplicateAttempts = try integers("""
            SELECT count(*) FROM (SELECT test, attempt FROM result WHERE build_id = ?1 GROUP BY test, attempt HAVING count(*) > 1)
            """).first ?? 0
        build.gappedTests = try integers("""
            SELECT count(*) FROM (SELECT test FROM result WHERE build_id = ?1 GROUP BY test
                                  HAVING count(*) != max(attempt) OR min(attempt) != 1)
            """).first ?? 0
        build.testsWithOneFinal = try integers("""
            SELECT count(*) FROM (SELECT r.test FROM result r
                                  JOIN (SELECT test, max(attempt) AS last FROM result WHERE build_id = ?1 GROUP BY test) f
                                    ON r.test = f.test AND r.attempt = f.last
                                  WHERE r.build_id = ?1 GROUP BY r.test HAVING count(*) = 1)
            """).first ?? 0
        let stored = Set(try strings("SELECT DISTINCT test FROM result WHERE build_id = ?1"))
        build.missingTests = expectedNames.reduce(0) { $0 + (stored.contains($1) ? 0 : 1) }
        build.state = try strings("SELECT state FROM build WHERE id = ?1").first ?? "(none)"
        build.verdict = try strings("SELECT coalesce(verdict, '') FROM build WHERE id = ?1").first ?? ""
        return build
    }
}
