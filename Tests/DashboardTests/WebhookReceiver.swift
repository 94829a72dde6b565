import Foundation
import Hummingbird

/// A webhook receiver on loopback (a real HTTP server): keeps every event it accepted, and
/// answers the first `failFirst` posts with 503 to make the sender retry.
final class WebhookReceiver: @unchecked Sendable {
    private let lock = NSLock()
    private var accepted: [[String: Any]] = []
    private var posts = 0
    private let failFirst: Int
    private var task: Task<Void, any Error>?
    private(set) var port = 0

    init(failFirst: Int = 0) { self.failFirst = failFirst }

    var events: [[String: Any]] { lock.lock(); defer { lock.unlock() }; return accepted }
    var postCount: Int { lock.lock(); defer { lock.unlock() }; return posts }

    func start() async throws {
        let router = Router()
        router.post("/hook") { [self] request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            let event = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any]
            let status: HTTPResponse.Status = lock.withLock {
                posts += 1
                guard posts > failFirst, let event else { return .serviceUnavailable }
                accepted.append(event)
                return .noContent
            }
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
