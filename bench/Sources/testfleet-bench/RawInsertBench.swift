import Foundation
import GRDBSQLite

/// The floor for `bench/run e2e`: inserting N result rows into a fresh SQLite file with the raw C
/// API, one prepared statement, one transaction, same schema and pragmas as the store's result
/// table. No coordinator, workers or messages: just the database work any design must do.
enum RawInsertBench {
    static func run(_ arguments: [String]) throws {
        let count = arguments.first.flatMap(Int.init) ?? 100_000
        let path = NSTemporaryDirectory() + "tf-raw-\(getpid()).db"
        defer { for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) } }
        var db: OpaquePointer?
        guard sqlite3_open(path, &db) == SQLITE_OK, let db else { throw BenchError("cannot open \(path)") }
        defer { sqlite3_close(db) }
        func exec(_ sql: String) throws {
            guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw BenchError(String(cString: sqlite3_errmsg(db))) }
        }
        try exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON")
        try exec("""
            CREATE TABLE build (id TEXT PRIMARY KEY NOT NULL);
            CREATE TABLE result (
              build_id TEXT NOT NULL REFERENCES build(id), test TEXT NOT NULL, attempt INTEGER NOT NULL,
              outcome TEXT NOT NULL, duration REAL NOT NULL, worker TEXT NOT NULL, arch TEXT NOT NULL,
              PRIMARY KEY (build_id, test, attempt)) WITHOUT ROWID;
            INSERT INTO build VALUES ('b');
            """)
        let names = (0..<count).map { String(format: "sim::t%06d", $0) }
        let start = DispatchTime.now().uptimeNanoseconds
        try exec("BEGIN")
        var statement: OpaquePointer?
        sqlite3_prepare_v2(db, "INSERT INTO result VALUES ('b', ?, 1, 'passed', 0.0, 'w', 'x86_64')", -1, &statement, nil)
        for name in names {
            sqlite3_reset(statement)
            _ = name.withCString { sqlite3_bind_text(statement, 1, $0, -1, nil) }
            guard sqlite3_step(statement) == SQLITE_DONE else { throw BenchError(String(cString: sqlite3_errmsg(db))) }
        }
        sqlite3_finalize(statement)
        try exec("COMMIT")
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print("raw SQLite insert of \(count) rows: \(String(format: "%.3f", seconds)) s")
        print("{\"bench\": \"raw-insert\", \"rows\": \(count), \"seconds\": \(seconds)}")
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
