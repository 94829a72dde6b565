import Analyzer
import Dashboard
import Foundation
import Model
import Store
import Testing

/// `--webhook`: a receiver on loopback gets exactly one event per state change, also when it
/// refuses the first posts (retries) and when nothing changed between checks.
@Suite struct WebhookTests {
    @Test func oneEventPerStateChange() async throws {
        let receiver = WebhookReceiver(failFirst: 2)
        try await receiver.start()
        defer { receiver.stop() }
        let h = try await DashboardHarness()
        h.filler = 10
        let notifier = WebhookNotifier(url: URL(string: "http://127.0.0.1:\(receiver.port)/hook")!, store: h.store,
                                       attempts: 4, firstBackoff: 0.05)
        /// The states the analysis gives now, by test (what the events must follow).
        func states() throws -> [String: String] {
            Dictionary(uniqueKeysWithValues: try FlakyAnalyzer.analyze(store: h.store).analysis.tests.map { ($0.name, $0.state.rawValue) })
        }
        var expected: [(test: String, state: String)] = []
        var last: [String: String] = [:]
        func step() async throws {
            notifier.check()
            notifier.check()  // asked twice: still one event per change
            try await idle(notifier)
            for (test, state) in try states().sorted(by: { $0.key < $1.key }) where state != (last[test] ?? "stable") {
                if state != "stable" || last[test] == "quarantined" { expected.append((test, state)) }
                last[test] = state
            }
        }
        // t::b passes, then fails every attempt from c4 on (broken), then passes again (fixed).
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

        let received = receiver.events.map { ($0["test"] as? String ?? "", $0["state"] as? String ?? "") }
        #expect(received.map { "\($0.0)=\($0.1)" } == expected.map { "\($0.test)=\($0.state)" })
        let kinds = receiver.events.map { $0["event"] as? String ?? "" }
        #expect(kinds.contains("broken") && kinds.contains("quarantined") && kinds.contains("unquarantined"), "\(kinds)")
        #expect(receiver.postCount == receiver.events.count + 2, "the two refused posts were retried")
        for event in receiver.events {
            #expect(Set(event.keys).isSuperset(of: ["event", "test", "state", "previous_state", "evidence", "at"]))
        }
        // A new notifier on the same store (a restarted coordinator) repeats nothing.
        let restarted = WebhookNotifier(url: URL(string: "http://127.0.0.1:\(receiver.port)/hook")!, store: h.store)
        restarted.check()
        try await idle(restarted)
        #expect(receiver.events.count == expected.count)
    }

    @Test func aReceiverThatStaysDownGetsTheEventLaterOnce() async throws {
        let h = try await DashboardHarness()
        h.filler = 10
        for n in 1...3 {
            try h.build("b\(n)", commit: "c\(n)", branch: "main", ["t::x": n == 1 ? [.passed] : [.failed, .failed, .failed]])
        }
        // Nothing listens on this port: every post fails, nothing is recorded.
        let down = WebhookNotifier(url: URL(string: "http://127.0.0.1:9/hook")!, store: h.store, attempts: 2, firstBackoff: 0.01)
        down.check()
        try await idle(down)
        #expect(try h.store.announcedStates().isEmpty)
        let receiver = WebhookReceiver()
        try await receiver.start()
        defer { receiver.stop() }
        let up = WebhookNotifier(url: URL(string: "http://127.0.0.1:\(receiver.port)/hook")!, store: h.store)
        up.check()
        try await idle(up)
        #expect(receiver.events.map { $0["test"] as? String } == ["t::x"] && receiver.events.first?["state"] as? String == "broken")
    }
}

/// Waits for a notifier without blocking a thread of the concurrency pool (the receiver's
/// handlers run there; on two cores a blocked thread is half the pool).
func idle(_ notifier: WebhookNotifier, timeout: Double = 60) async throws {
    let deadline = Date(timeIntervalSinceNow: timeout)
    while !notifier.isIdle && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
}
