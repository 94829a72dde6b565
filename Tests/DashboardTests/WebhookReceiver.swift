import Foundation
import Hummingbird

/// A webhook receiver on loopback (a real HTTP server): keeps every event it took (with the
/// `X-Testfleet-Delivery` header it came with), answers the first `failFirst` posts with 503 to
/// make the sender retry, and answers the first `slowFirst` posts it takes only after `delay`
/// seconds (later than the sender waits: the sender cannot know it arrived).
final class WebhookReceiver: @unchecked Sendable {
    private let lock = NSLock()
    private var accepted: [[String: Any]] = []
    private var headers: [String] = []
    private var posts = 0
    private let failFirst: Int
    private let slowFirst: Int
    private let delay: Double
    private var task: Task<Void, any Error>?
    private(set) var port = 0

    init(failFirst: Int = 0, slowFirst: Int = 0, delay: Double = 0) {
        self.failFirst = failFirst
        self.slowFirst = slowFirst
        self.delay = delay
    }

    /// Every event taken, in order, duplicates included.
    var events: [[String: Any]] { lock.lock(); defer { lock.unlock() }; return accepted }
    /// The `X-Testfleet-Delivery` header of each event taken.
    var deliveryHeaders: [String] { lock.lock(); defer { lock.unlock() }; return headers }
    var postCount: Int { lock.lock(); defer { lock.unlock() }; return posts }

    /// The events de-duplicated by delivery id, as the README tells receivers to: the first of each.
    var distinctEvents: [[String: Any]] {
        var seen: Set<String> = []
        return events.filter { seen.insert($0["delivery"] as? String ?? "").inserted }
    }

    func start() async throws {
        let router = Router()
        router.post("/hook") { [self] request, _ -> Response in
            var request = request
            let delivery = request.headers.first { $0.name.canonicalName == "x-testfleet-delivery" }?.value ?? ""
            let body = try await request.collectBody(upTo: 1 << 20)
            let event = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any]
            let (status, slow): (HTTPResponse.Status, Bool) = lock.withLock {
                posts += 1
                guard posts > failFirst, let event else { return (.serviceUnavailable, false) }
                accepted.append(event)
                headers.append(delivery)
                return (.noContent, accepted.count <= slowFirst)
            }
            if slow { try await Task.sleep(for: .milliseconds(Int(delay * 1000))) }
            return Response(status: status)
        }
        let ready = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in ready.continuation.yield(channel.localAddress?.port ?? 0) })
        task = Task { try await app.run() }
        for await bound in ready.stream {
            port = bound
            break
        }
    }

    func stop() { task?.cancel() }
}
