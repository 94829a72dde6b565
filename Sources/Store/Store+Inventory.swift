import Foundation
import GRDB

extension Store {
    /// The cached test list of a suite when its fingerprint still matches and it is younger than
    /// `maxAge` seconds; nil otherwise.
    public func cachedInventory(suiteKey: String, fingerprint: String, maxAge: Double) throws(StoreError) -> [String]? {
        try read { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT names, test_count, created_at FROM inventory_cache WHERE suite_key = ? AND fingerprint = ?",
                arguments: [suiteKey, fingerprint]) else { return nil }
            let created: Double = row["created_at"]
            guard Date().timeIntervalSince1970 - created <= maxAge else { return nil }
            let text: String = row["names"]
            let count: Int = row["test_count"]
            let names = count == 0 ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            return names.count == count ? names : nil
        }
    }

    /// Remembers a suite's test list under its fingerprint (replacing the previous one).
    public func cacheInventory(suiteKey: String, fingerprint: String, names: [String]) throws(StoreError) {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO inventory_cache (suite_key, fingerprint, names, test_count, created_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (suite_key) DO UPDATE SET fingerprint = excluded.fingerprint, names = excluded.names,
                      test_count = excluded.test_count, created_at = excluded.created_at
                    """,
                arguments: [suiteKey, fingerprint, names.joined(separator: "\n"), names.count, Date().timeIntervalSince1970])
        }
    }
}

extension Store {
    /// Forgets the test lists cached more than `maxAge` seconds ago (which `cachedInventory` no
    /// longer answers with); returns how many. A store kept only for its cache (`submit`'s,
    /// where a CI runner may check each job out at a new path, so each job adds a list under a
    /// new key) would otherwise grow by a suite's list per job.
    @discardableResult
    public func pruneInventory(olderThan maxAge: Double) throws(StoreError) -> Int {
        try write { db in
            try db.execute(sql: "DELETE FROM inventory_cache WHERE created_at < ?", arguments: [Date().timeIntervalSince1970 - maxAge])
            return db.changesCount
        }
    }
}
