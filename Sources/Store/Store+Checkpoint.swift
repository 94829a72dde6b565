import Foundation
import GRDB

extension Store {
    /// Copies every committed page from the write-ahead log into the database file and empties
    /// the log (`wal_checkpoint(TRUNCATE)`), so the `.db` file alone holds the whole store: what
    /// a CI artifact step copies. Waits for other connections up to `waitSeconds`; returns false when
    /// another connection kept part of the log from being copied (the store stays correct, only
    /// the `.db` alone is not yet complete).
    @discardableResult
    public func checkpoint(waitSeconds: Double = 2) throws(StoreError) -> Bool {
        // An empty or absent log has nothing to copy: a command that only read (`gate`, `flaky`
        // with nothing to save) exits without taking the write lock or syncing the file.
        if logBytes == 0 { return true }
        do {
            return try pool.writeWithoutTransaction { db in
                // A command sharing the store with a busy coordinator must not wait long at exit:
                // at most `waitSeconds` for its readers and writer, then what could be copied is.
                try db.execute(sql: "PRAGMA busy_timeout = \(Int(waitSeconds * 1000))")
                defer { try? db.execute(sql: "PRAGMA busy_timeout = 10000") }
                let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                // (busy, log frames, frames checkpointed): busy = 0 means the whole log went in.
                return (row?[0] as Int?) == 0
            }
        } catch { throw StoreError("cannot checkpoint the store at \(path): \(error)") }
    }
}

extension Store {
    /// The write-ahead log's size in bytes (0 when there is none).
    public var logBytes: Int {
        var info = stat()
        return stat(path + "-wal", &info) == 0 ? Int(info.st_size) : 0
    }

    /// Checkpoints and empties the log once it holds more than `limit` bytes, waiting at most
    /// `waitSeconds` for readers. A long-running writer needs it: SQLite restarts the log only
    /// when no reader is using it, and a polled dashboard keeps a reader on it at every moment,
    /// so the automatic checkpoints copy pages but the file grows without end (1.36 GB in 70 s
    /// under the service-load benchmark). A full checkpoint lets readers that start after it
    /// read the database file, so the wait ends when the readers already running finish.
    /// Returns whether the log was emptied; after a failed try the next waits `retrySeconds`.
    @discardableResult
    public func checkpointIfLogExceeds(_ limit: Int, waitSeconds: Double = 0.5, retrySeconds: Double = 5) -> Bool {
        guard logBytes > limit else { return false }
        let now = DispatchTime.now().uptimeNanoseconds
        guard logCheckpointBackoff.withLock({ now >= $0 }) else { return false }
        let emptied = (try? checkpoint(waitSeconds: waitSeconds)) ?? false
        if !emptied { logCheckpointBackoff.withLock { $0 = now + UInt64(retrySeconds * 1e9) } }
        return emptied
    }
}
