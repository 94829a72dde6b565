import Foundation
import GRDB
import Testing
@testable import Store

/// The inventory cache on a real SQLite file: a list comes back under its fingerprint while it
/// is young enough, and pruning forgets only the lists older than the limit.
@Suite struct StoreInventoryTests {
    @Test func pruningForgetsOnlyTheListsOlderThanTheLimit() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-inventory-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try Store(path: directory + "/cache.sqlite")
        try store.cacheInventory(suiteKey: "pytest|old|/builds/1/repo", fingerprint: "f1", names: ["t::a"])
        try store.cacheInventory(suiteKey: "pytest|new|/builds/2/repo", fingerprint: "f2", names: ["t::a", "t::b"])
        // The first job's list, written two days ago.
        try store.write { db in
            try db.execute(sql: "UPDATE inventory_cache SET created_at = created_at - 2 * 86400 WHERE suite_key = 'pytest|old|/builds/1/repo'")
        }
        #expect(try store.pruneInventory(olderThan: 86400) == 1)
        #expect(try store.cachedInventory(suiteKey: "pytest|new|/builds/2/repo", fingerprint: "f2", maxAge: 86400) == ["t::a", "t::b"])
        let left = try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM inventory_cache") }
        #expect(left == 1)
        #expect(try store.pruneInventory(olderThan: 86400) == 0, "nothing left to forget")
    }
}
