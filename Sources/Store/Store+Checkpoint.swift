import GRDB

extension Store {
    /// Copies every committed page from the write-ahead log into the database file and empties
    /// the log (`wal_checkpoint(TRUNCATE)`), so the `.db` file alone holds the whole store: what
    /// a CI artifact step copies. Waits for other connections up to `waitSeconds`; returns false when
    /// another connection kept part of the log from being copied (the store stays correct, only
    /// the `.db` alone is not yet complete).
    @discardableResult
    public func checkpoint(waitSeconds: Double = 2) throws(StoreError) -> Bool {
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
