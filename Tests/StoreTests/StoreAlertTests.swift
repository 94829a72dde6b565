import Foundation
import Testing
@testable import Store

/// The webhook's outbox: a state change is recorded and queued together, once, with its delivery
/// id; queued events come back oldest first until done; done ones are dropped after `keepDays`.
@Suite struct StoreAlertTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-alerts-\(UUID().uuidString)").path

    @Test func aQueuedChangeIsAnnouncedAndPendingUntilDone() throws {
        let store = try Store(path: directory + "/fleet.db")
        try store.queueAlert(test: "t::a", state: "broken", delivery: "d1", body: "{\"delivery\": \"d1\"}")
        try store.queueAlert(test: "t::b", state: "flaky", delivery: "d2", body: "{\"delivery\": \"d2\"}")
        #expect(try store.announcedStates() == ["t::a": "broken", "t::b": "flaky"])
        #expect(try store.pendingAlerts().map(\.delivery) == ["d1", "d2"])
        // A delivery id is used once: queueing it again fails and changes nothing (one transaction).
        #expect(throws: StoreError.self) { try store.queueAlert(test: "t::a", state: "fixed", delivery: "d1", body: "{}") }
        #expect(try store.announcedStates()["t::a"] == "broken")

        try store.countAlertAttempts(delivery: "d1", attempts: 3)
        try store.markAlertDone(delivery: "d1")
        let pending = try store.pendingAlerts()
        #expect(pending.map(\.delivery) == ["d2"] && pending.first?.attempts == 0)
        try store.markAlertDone(delivery: "d2", refused: true)
        #expect(try store.pendingAlerts().isEmpty)
        // Re-opened (a restarted coordinator): nothing pending, states kept.
        let reopened = try Store(path: directory + "/fleet.db")
        #expect(try reopened.pendingAlerts().isEmpty && reopened.announcedStates().count == 2)
        // Done events older than keepDays go at the next completion.
        try reopened.queueAlert(test: "t::c", state: "broken", delivery: "d3", body: "{}")
        try reopened.markAlertDone(delivery: "d3", keepDays: 0)
        let left = try reopened.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM alert_outbox") }
        #expect(left == 1, "d1 and d2, done before now, dropped with keepDays 0; d3 kept")
    }
}
