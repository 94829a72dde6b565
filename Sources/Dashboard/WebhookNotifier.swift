import Analyzer
import Dispatch
public import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
public import Store

/// `coordinator --webhook URL`: posts a JSON event when a test becomes flaky or broken, is
/// fixed, or enters or leaves quarantine.
///
/// Once per state change: the state last announced for each test is kept in the store
/// (`alert_state`) and recorded only after the receiver answered 2xx, so a restart neither
/// repeats an event nor loses one. A failed post is retried with exponential backoff; when the
/// receiver stays down the remaining changes wait for the next check. Everything runs on a
/// serial queue of its own: `check()` returns at once, so the coordinator's loop never waits.
public final class WebhookNotifier: Sendable {
    let url: URL
    let store: Store
    let attempts: Int
    let firstBackoff: Double
    let log: @Sendable (String) -> Void
    private let queue = DispatchQueue(label: "testfleet-webhook")
    /// (a check is queued or running, another check was asked for meanwhile)
    private let state = LockedBox<(busy: Bool, again: Bool)>((false, false))

    /// - Parameters:
    ///   - attempts: posts per event before giving up for this check.
    ///   - firstBackoff: seconds before the first retry; doubled each time.
    public init(url: URL, store: Store, attempts: Int = 5, firstBackoff: Double = 0.5,
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.url = url
        self.store = store
        self.attempts = max(1, attempts)
        self.firstBackoff = firstBackoff
        self.log = log
    }

    /// Asks for a check (a build finished, a quarantine decision was taken). Checks asked for
    /// while one runs are folded into one more run after it.
    public func check() {
        let start = state.update { current -> Bool in
            if current.busy { current.again = true; return false }
            current.busy = true
            return true
        }
        guard start else { return }
        queue.async { [self] in
            while true {
                runCheck()
                let more = state.update { current -> Bool in
                    if current.again { current.again = false; return true }
                    current.busy = false
                    return false
                }
                if !more { return }
            }
        }
    }

    /// Whether no check is queued or running.
    public var isIdle: Bool { !state.value.busy }

    /// Blocks until no check is queued or running (shutdown; never from a task).
    public func waitUntilIdle(timeout: Double = 60) {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while state.value.busy && Date() < deadline { usleep(10_000) }
    }

    func runCheck() {
        let events: [StateAlerts.Event]
        do {
            let (_, analysis) = try FlakyAnalyzer.analyze(store: store, saveSnapshot: false)
            events = StateAlerts.changes(analysis, announced: try store.announcedStates())
        } catch {
            log("webhook: cannot analyse the store: \(error)")
            return
        }
        for event in events {
            if event.kind != "stable" {
                guard post(StateAlerts.json(event, at: Date().timeIntervalSince1970)) else {
                    log("webhook: \(url.absoluteString) did not take the event for \(event.test) after \(attempts) attempts; "
                        + "it and later changes go out at the next check")
                    return
                }
            }
            do { try store.recordAnnounced(test: event.test, state: event.state.rawValue) } catch {
                log("webhook: cannot record the announced state of \(event.test): \(error)")
                return
            }
        }
    }

    /// Posts one body, retrying with backoff; true once the receiver answered 2xx.
    func post(_ body: String) -> Bool {
        var delay = firstBackoff
        for attempt in 1...attempts {
            if send(body) { return true }
            if attempt < attempts {
                usleep(UInt32(min(delay, 60) * 1_000_000))
                delay *= 2
            }
        }
        return false
    }

    private func send(_ body: String) -> Bool {
        var request = URLRequest(url: url, timeoutInterval: 10)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("testfleet", forHTTPHeaderField: "User-Agent")
        request.httpBody = Data(body.utf8)
        let done = DispatchSemaphore(value: 0)
        let status = LockedBox<Int>(0)
        URLSession.shared.dataTask(with: request) { _, response, _ in
            status.value = (response as? HTTPURLResponse)?.statusCode ?? 0
            done.signal()
        }.resume()
        done.wait()
        return (200..<300).contains(status.value)
    }
}
