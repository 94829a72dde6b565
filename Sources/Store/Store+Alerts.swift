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

    /// Records that `state` of `test` is announced and queues its event (`body`, with its
    /// `delivery` id) for the webhook, in one transaction: a state change is queued exactly once,
    /// and a restart neither queues it again nor loses it.
    public func queueAlert(test: String, state: String, delivery: String, body: String) throws(StoreError) {
        let now = Date().timeIntervalSince1970
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO alert_state (test, state, announced_at) VALUES (?, ?, ?)
                    ON CONFLICT (test) DO UPDATE SET state = excluded.state, announced_at = excluded.announced_at
                    """,
                arguments: [test, state, now])
            try db.execute(sql: "INSERT INTO alert_outbox (delivery, test, state, body, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [delivery, test, state, body, now])
        }
    }

    /// Events queued and not yet delivered, oldest first.
    public func pendingAlerts() throws(StoreError) -> [PendingAlert] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT delivery, test, body, attempts FROM alert_outbox WHERE delivered_at IS NULL ORDER BY seq")
                .map { PendingAlert(delivery: $0[0], test: $0[1], body: $0[2], attempts: $0[3]) }
        }
    }

    /// Counts `attempts` more posts of a queued event.
    public func countAlertAttempts(delivery: String, attempts: Int) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE alert_outbox SET attempts = attempts + ? WHERE delivery = ?", arguments: [attempts, delivery])
        }
    }

    /// Marks a queued event done: `refused` when the receiver answered a 4xx that a retry would
    /// not change, else delivered. Events done more than `keepDays` ago are dropped meanwhile
    /// (the outbox is a queue and a short record, not an archive).
    public func markAlertDone(delivery: String, refused: Bool = false, keepDays: Double = 30) throws(StoreError) {
        let now = Date().timeIntervalSince1970
        try write { db in
            try db.execute(sql: "UPDATE alert_outbox SET delivered_at = ?, outcome = ? WHERE delivery = ? AND delivered_at IS NULL",
                           arguments: [now, refused ? "refused" : "delivered", delivery])
            try db.execute(sql: "DELETE FROM alert_outbox WHERE delivered_at < ?", arguments: [now - keepDays * 86_400])
        }
    }
}

/// A webhook event queued in the store and not yet delivered.
public struct PendingAlert: Sendable, Equatable {
    /// The id it carries on every post (`delivery` in the JSON, `X-Testfleet-Delivery`).
    public var delivery: String
    public var test: String
    public var body: String
    /// Posts made so far (by this process or an earlier one).
    public var attempts: Int
}
