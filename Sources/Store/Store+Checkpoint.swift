import GRDB

extension Store {
    /// Copies every committed page from the write-ahead log into the database file and empties
    /// the log (`wal_checkpoint(TRUNCATE)`), so the `.db` file alone holds the whole store: what
    /// a CI artifact step copies. Waits for readers up to the busy timeout; returns false when
    /// another connection kept part of the log from being copied (the store stays correct, only
    /// the `.db` alone is not yet complete).
    @discardableResult
    public func checkpoint() throws(StoreError) -> Bool {
        do {
            return try pool.writeWithoutTransaction { db in
                let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                // (busy, log frames, frames checkpointed): busy = 0 means the whole log went in.
                return (row?[0] as Int?) == 0
            }
        } catch { throw StoreError("cannot checkpoint the store at \(path): \(error)") }
    }
}
