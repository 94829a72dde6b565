import GRDB
import Foundation
import Synchronization

/// testfleet's one store type: an SQLite file (WAL) opened through GRDB, with forward-only named
/// migrations. Records and queries go through GRDB; the hot result-ingest loop uses a raw
/// prepared statement on the same connection (see `Store+Results.swift`).
public final class Store: Sendable {
    /// The path of the database file.
    public let path: String
    let pool: DatabasePool
    /// When `checkpointIfLogExceeds` may try again after a try that readers kept from finishing.
    let logCheckpointBackoff = Mutex<UInt64>(0)
    /// Whether this process wrote to the store (a migration included) since opening it.
    let wrote = Mutex(false)

    /// Whether this process changed the store since it opened it: a command that only read
    /// (`gate`, `flaky` on a big store) leaves the log as it found it at exit (`OpenStores`).
    public var hasWritten: Bool { wrote.withLock { $0 } }

    /// Opens (creating if needed) the store at `path` and migrates it to the current schema.
    public init(path: String) throws(StoreError) {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // NORMAL is durable across process crashes in WAL mode (not across power loss), and
            // lets a commit skip the fsync: results land in milliseconds.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA page_size = 16384")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            if try Self.migrate(pool) { wrote.withLock { $0 = true } }
        } catch {
            throw StoreError("cannot open the store at \(path): \(error)")
        }
    }

    /// Migrates, tolerating another process migrating the same file at the same moment (a
    /// coordinator and a CLI command starting together): the loser retries and finds the work done.
    /// Returns whether it migrated (false: the store was at the current schema already).
    @discardableResult
    static func migrate(_ pool: DatabasePool) throws -> Bool {
        // A store already at this schema (every command after the first) is checked on a read
        // snapshot: migrating takes the write lock, which a busy coordinator's writes would make
        // a short command such as `gate` wait for, and adds a write transaction to its start-up.
        let migrator = self.migrator
        if (try? pool.read({ try migrator.hasCompletedMigrations($0) })) == true { return false }
        var attempt = 0
        while true {
            do {
                try migrator.migrate(pool)
                return true
            } catch {
                attempt += 1
                if attempt >= 10 { throw error }
                usleep(UInt32(20_000 * attempt))
            }
        }
    }

    /// Runs `body` in one write transaction.
    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        wrote.withLock { $0 = true }
        do { return try pool.write(body) } catch let error as StoreError { throw error } catch { throw StoreError("\(error)") }
    }

    /// Runs `body` in one write transaction with foreign-key checks off, for a bulk insert whose
    /// parent rows `body` itself creates or checks first (SQLite would look the parent up again
    /// for every row). The pragma cannot change inside a transaction, so it is set around it.
    func writeWithoutForeignKeyChecks<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        wrote.withLock { $0 = true }
        do {
            return try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
                var value: T?
                try db.inTransaction {
                    value = try body(db)
                    return .commit
                }
                return value!
            }
        } catch let error as StoreError { throw error } catch { throw StoreError("\(error)") }
    }

    /// Runs `body` on a read snapshot.
    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try pool.read(body) } catch let error as StoreError { throw error } catch { throw StoreError("\(error)") }
    }
}

/// A store operation that failed: an infrastructure failure, or bad input when the message is
/// about the user's input (`isUserError`); see `testfleetError`.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public var isUserError: Bool
    public init(_ description: String, isUserError: Bool = false) {
        self.description = description
        self.isUserError = isUserError
    }
}
