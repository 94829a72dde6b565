import Foundation
import GRDB

extension Store {
    /// The state last announced for each test by a webhook (tests never announced are absent):
    /// an alert goes out only when a test's state differs from this.
    public func announcedStates() throws(StoreError) -> [String: String] {
        try read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT test, state FROM alert_state").map {
                ($0[0] as String, $0[1] as String)
            })
        }
    }

    /// Records that `state` of `test` was announced (after the receiver took the event).
    public func recordAnnounced(test: String, state: String) throws(StoreError) {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO alert_state (test, state, announced_at) VALUES (?, ?, ?)
                    ON CONFLICT (test) DO UPDATE SET state = excluded.state, announced_at = excluded.announced_at
                    """,
                arguments: [test, state, Date().timeIntervalSince1970])
        }
    }
}
