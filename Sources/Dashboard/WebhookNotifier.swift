public import Analyzer
import Dispatch
public import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
public import Store

/// `coordinator --webhook URL`: posts a JSON event when a test becomes flaky or broken, is
/// fixed, or enters or leaves quarantine.
///
/// One event per state change, each with a delivery id of its own (`delivery` in the JSON and
/// the `X-Testfleet-Delivery` header) that stays the same on every post of it, across retries
/// and restarts. A check compares the shared analysis (`SharedAnalysis`: the coordinator's
/// background refresher publishes it; the notifier never analyses) with the states announced so
/// far and, for each change, records the new state and queues the event in one store
/// transaction (`alert_outbox`), so a change is queued exactly once and a restart neither
/// queues it again nor loses it. Queued events are then posted oldest first:
/// - 2xx: delivered, done;
/// - another 4xx than 429: the receiver refuses it and would again; logged, done;
/// - no connection, 5xx, 429, or no answer in `timeout` seconds: retried with exponential
///   backoff (429's `Retry-After` respected), with the same id. A timeout may come after the
///   receiver took the event, so a receiver can see an event twice: delivery is at least once,
///   and receivers de-duplicate by the id (as with GitHub's `X-GitHub-Delivery`). Exactly once
///   would need the receiver's help anyway: an answer lost on the way back looks the same.
/// When a receiver stays down the event and those after it wait for the next check, in order.
/// Everything runs on a serial queue of its own: `check()` returns at once, so the coordinator's
/// loop never waits.
public final class WebhookNotifier: Sendable {
    let url: URL
    let store: Store
    let analysis: SharedAnalysis
    let attempts: Int
    let firstBackoff: Double
    let timeout: Double
    let log: @Sendable (String) -> Void
    /// A session of its own whose configuration carries the timeout (swift-corelibs-foundation
    /// does not apply a request's own `timeoutInterval`).
    private let session: URLSession
    private let queue = DispatchQueue(label: "testfleet-webhook")
    /// (a check is queued or running, another check was asked for meanwhile)
    private let state = LockedBox<(busy: Bool, again: Bool)>((false, false))

    /// - Parameters:
    ///   - analysis: the analysis whose states are announced (the coordinator's shared one).
    ///   - attempts: posts per event before it waits for the next check.
    ///   - firstBackoff: seconds before the first retry; doubled each time.
    ///   - timeout: seconds a post may take to be answered.
    public init(url: URL, store: Store, analysis: SharedAnalysis, attempts: Int = 5, firstBackoff: Double = 0.5,
                timeout: Double = 10, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.url = url
        self.store = store
        self.analysis = analysis
        self.attempts = max(1, attempts)
        self.firstBackoff = firstBackoff
        self.timeout = timeout
        self.log = log
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        session = URLSession(configuration: configuration)
    }

    /// Asks for a check (a new analysis was published, a quarantine decision was taken). Checks
    /// asked for while one runs are folded into one more run after it.
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
        do {
            let entry = try analysis.current()
            for event in StateAlerts.changes(entry.analysis, announced: try store.announcedStates()) {
                if event.kind == "stable" {
                    try store.recordAnnounced(test: event.test, state: event.state.rawValue)
                } else {
                    let delivery = UUID().uuidString.lowercased()
                    try store.queueAlert(test: event.test, state: event.state.rawValue, delivery: delivery,
                                         body: StateAlerts.json(event, at: Date().timeIntervalSince1970, delivery: delivery))
                }
            }
        } catch {
            log("webhook: cannot queue the state changes: \(error)")
        }
        deliverQueued()
    }

    /// Posts every queued event, oldest first; stops at the first the receiver did not take.
    func deliverQueued() {
        let pending: [PendingAlert]
        do { pending = try store.pendingAlerts() } catch {
            log("webhook: cannot read the queued events: \(error)")
            return
        }
        for alert in pending {
            let (result, posts) = post(alert.body, delivery: alert.delivery)
            do {
                try store.countAlertAttempts(delivery: alert.delivery, attempts: posts)
                switch result {
                case .delivered: try store.markAlertDone(delivery: alert.delivery)
                case .refused(let status):
                    log("webhook: \(url.absoluteString) refused the event for \(alert.test) (HTTP \(status)); not sent again")
                    try store.markAlertDone(delivery: alert.delivery, refused: true)
                case .retry(let reason):
                    log("webhook: \(url.absoluteString) did not take the event for \(alert.test) after \(attempts) attempts "
                        + "(\(reason)); it and later changes go out at the next check, same delivery id")
                    return
                }
            } catch {
                log("webhook: cannot record the delivery of \(alert.delivery): \(error)")
                return
            }
        }
    }

    /// What one post came to.
    enum PostResult: Equatable {
        case delivered
        /// A 4xx other than 429: sending it again would not help.
        case refused(Int)
        /// Not known to have arrived, or the receiver asked for it again (reason for the log).
        case retry(String)
    }

    /// Posts one event, retrying with backoff while the answer is `retry`; the last result and
    /// how many posts it took.
    func post(_ body: String, delivery: String) -> (PostResult, Int) {
        var delay = firstBackoff
        for attempt in 1...attempts {
            let (result, retryAfter) = send(body, delivery: delivery)
            guard case .retry = result, attempt < attempts else { return (result, attempt) }
            usleep(UInt32(min(max(delay, retryAfter ?? 0), 60) * 1_000_000))
            delay *= 2
        }
        return (.retry("unreachable"), attempts)
    }

    /// One post; its result and a 429's `Retry-After` seconds.
    private func send(_ body: String, delivery: String) -> (PostResult, Double?) {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("testfleet", forHTTPHeaderField: "User-Agent")
        request.setValue(delivery, forHTTPHeaderField: "X-Testfleet-Delivery")
        request.httpBody = Data(body.utf8)
        let done = DispatchSemaphore(value: 0)
        let answer = LockedBox<(status: Int, retryAfter: Double?, error: String?)>((0, nil, nil))
        session.dataTask(with: request) { _, response, error in
            let http = response as? HTTPURLResponse
            answer.value = (http?.statusCode ?? 0, (http?.value(forHTTPHeaderField: "Retry-After")).flatMap(Double.init),
                            error.map { "\($0.localizedDescription)" })
            done.signal()
        }.resume()
        done.wait()
        let (status, retryAfter, error) = answer.value
        switch status {
        case 200..<300: return (.delivered, nil)
        case 429: return (.retry("HTTP 429"), retryAfter)
        case 400..<500: return (.refused(status), nil)
        case 0: return (.retry(error ?? "no answer"), nil)
        default: return (.retry("HTTP \(status)"), nil)
        }
    }
}
