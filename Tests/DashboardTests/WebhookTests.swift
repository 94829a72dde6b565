import Analyzer
import Dashboard
import Foundation
import Model
import Store
import Testing

/// `--webhook`: a receiver on loopback gets exactly one event per state change (one delivery id
/// each, the same on every post of it), also when it refuses the first posts (retries), when it
/// answers after the sender stopped waiting (retried with the same id), across a restart, and
/// when nothing changed between checks.
@Suite struct WebhookTests {
    /// The states the analysis gives now, by test (what the events must follow).
    static func states(_ store: Store) throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try FlakyAnalyzer.analyze(store: store, saveSnapshot: false).analysis.tests.map {
            ($0.name, $0.state.rawValue)
        })
    }

    /// Builds in which t::b passes, fails every attempt (broken), passes again (fixed); then t::a
    /// enters and leaves quarantine. After each step the notifier checks (twice); returns the
    /// state changes that need an event, in order.
    static func drive(_ h: DashboardHarness, _ notifier: WebhookNotifier) async throws -> [String] {
        var expected: [String] = []
        var last: [String: String] = [:]
        func step() async throws {
            notifier.check()
            notifier.check()  // asked twice: still one event per change
            try await idle(notifier)
            for (test, state) in try states(h.store).sorted(by: { $0.key < $1.key }) where state != (last[test] ?? "stable") {
                if state != "stable" || last[test] == "quarantined" { expected.append("\(test)=\(state)") }
                last[test] = state
            }
        }
        for n in 1...9 {
            let broken = (4...6).contains(n)
            try h.build("b\(n)", commit: "c\(n)", branch: "main",
                        ["t::a": [.passed], "t::b": broken ? [.failed, .failed, .failed] : [.passed]])
            try await step()
        }
        try h.store.quarantine(test: "t::a", reason: "noisy")
        try await step()
        try h.store.release(test: "t::a")
        try await step()
        try await step()  // nothing changed: nothing sent
        return expected
    }

    static func described(_ events: [[String: Any]]) -> [String] {
        events.map { "\($0["test"] as? String ?? "")=\($0["state"] as? String ?? "")" }
    }

    @Test func oneEventPerStateChange() async throws {
        let receiver = WebhookReceiver(failFirst: 2)
        try await receiver.start()
        defer { receiver.stop() }
        let h = try await DashboardHarness()
        h.filler = 10
        let url = URL(string: "http://127.0.0.1:\(receiver.port)/hook")!
        let notifier = WebhookNotifier(url: url, store: h.store, analysis: SharedAnalysis(store: h.store), attempts: 4, firstBackoff: 0.05)
        let expected = try await Self.drive(h, notifier)

        // De-duplicated by delivery id, as receivers do: on a machine too loaded to answer within
        // the 10 s timeout an event may come twice, with its one id.
        #expect(Self.described(receiver.distinctEvents) == expected)
        let kinds = receiver.events.map { $0["event"] as? String ?? "" }
        #expect(kinds.contains("broken") && kinds.contains("quarantined") && kinds.contains("unquarantined"), "\(kinds)")
        #expect(receiver.postCount == receiver.events.count + 2, "the two refused posts were retried")
        for event in receiver.events {
            #expect(Set(event.keys).isSuperset(of: ["delivery", "event", "test", "state", "previous_state", "evidence", "at"]))
        }
        #expect(receiver.deliveryHeaders == receiver.events.map { $0["delivery"] as? String ?? "" })
        #expect(Set(receiver.deliveryHeaders).count == expected.count, "one delivery id per state change")
        // A new notifier on the same store (a restarted coordinator) repeats nothing.
        let restarted = WebhookNotifier(url: url, store: h.store, analysis: SharedAnalysis(store: h.store))
        restarted.check()
        try await idle(restarted)
        #expect(receiver.distinctEvents.count == expected.count && Set(receiver.deliveryHeaders).count == expected.count)
        #expect(try h.store.pendingAlerts().isEmpty)
    }

    /// The duplicate once seen under load: the receiver took the event but answered after the
    /// sender's timeout, and the retry sent it again. It still arrives again (nobody can tell a
    /// lost answer from a lost request), but with the same delivery id: de-duplicated by it, the
    /// receiver has exactly one event per state change, and no change got two ids.
    @Test func aReceiverAnsweringAfterTheTimeoutSeesOneDeliveryIDPerChange() async throws {
        let receiver = WebhookReceiver(slowFirst: 2, delay: 2.5)
        try await receiver.start()
        defer { receiver.stop() }
        let h = try await DashboardHarness()
        h.filler = 10
        let notifier = WebhookNotifier(url: URL(string: "http://127.0.0.1:\(receiver.port)/hook")!, store: h.store,
                                       analysis: SharedAnalysis(store: h.store), attempts: 4, firstBackoff: 0.05, timeout: 1)
        let expected = try await Self.drive(h, notifier)

        #expect(receiver.events.count > expected.count, "the slow answers made the sender post again")
        #expect(Self.described(receiver.distinctEvents) == expected)
        #expect(Set(receiver.deliveryHeaders).count == expected.count, "one delivery id per state change, the same on every post")
        #expect(receiver.deliveryHeaders == receiver.events.map { $0["delivery"] as? String ?? "" })
        #expect(try h.store.pendingAlerts().isEmpty)
    }

    @Test func aReceiverThatStaysDownGetsTheEventLaterOnceWithItsID() async throws {
        let h = try await DashboardHarness()
        h.filler = 10
        for n in 1...3 {
            try h.build("b\(n)", commit: "c\(n)", branch: "main", ["t::x": n == 1 ? [.passed] : [.failed, .failed, .failed]])
        }
        // Nothing listens on this port: every post fails; the change is queued, not delivered.
        let down = WebhookNotifier(url: URL(string: "http://127.0.0.1:9/hook")!, store: h.store, analysis: SharedAnalysis(store: h.store),
                                   attempts: 2, firstBackoff: 0.01)
        down.check()
        try await idle(down)
        let queued = try h.store.pendingAlerts()
        #expect(queued.map(\.test) == ["t::x"] && queued.first?.attempts == 2)
        // A restarted coordinator with the receiver up: the queued event goes out, same id, once.
        let receiver = WebhookReceiver()
        try await receiver.start()
        defer { receiver.stop() }
        let up = WebhookNotifier(url: URL(string: "http://127.0.0.1:\(receiver.port)/hook")!, store: h.store,
                                 analysis: SharedAnalysis(store: h.store))
        up.check()
        try await idle(up)
        up.check()
        try await idle(up)
        // De-duplicated by id (a loaded machine may answer after the timeout: then it came twice).
        let distinct = receiver.distinctEvents
        #expect(distinct.map { $0["test"] as? String } == ["t::x"] && distinct.first?["state"] as? String == "broken")
        #expect(Set(receiver.deliveryHeaders) == Set(queued.map(\.delivery)), "the id it was queued with, on every post")
        #expect(try h.store.pendingAlerts().isEmpty)
    }
}

/// Waits for a notifier without blocking a thread of the concurrency pool (the receiver's
/// handlers run there; on two cores a blocked thread is half the pool).
func idle(_ notifier: WebhookNotifier, timeout: Double = 60) async throws {
    let deadline = Date(timeIntervalSinceNow: timeout)
    while !notifier.isIdle && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
}
