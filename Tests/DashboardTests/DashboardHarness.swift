import Builds
import Dashboard
import Foundation
import Model
import Store

/// A real store in a temporary directory and a real dashboard serving it on a loopback port
/// the OS picked; requests go over HTTP (`HTTPClient`).
final class DashboardHarness: @unchecked Sendable {
    let directory: String
    let store: Store
    let server: DashboardServer
    let port: Int
    /// Passing tests added to every build `build` stores (so one failure is not an outage).
    var filler = 0

    init(configuration: DashboardConfiguration = DashboardConfiguration()) async throws {
        directory = Self.temporaryDirectory()
        store = try Store(path: directory + "/fleet.db")
        // The dashboard opens the file again, as the coordinator command does.
        server = DashboardServer(store: try Store(path: directory + "/fleet.db"), configuration: configuration)
        port = try await server.start(host: "127.0.0.1", port: 0)
    }

    deinit {
        server.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func temporaryDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tf-dash-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func request(_ method: String, _ path: String, body: String? = nil, token: String? = nil) async throws -> HTTPClient.Answer {
        try await HTTPClient(port: port).request(method, path, body: body, token: token)
    }

    func get(_ path: String) async throws -> HTTPClient.Answer { try await request("GET", path) }

    /// Stores a build of `results` (test → outcomes of its attempts) and finishes it the way
    /// every build is finished (`BuildLifecycle.finish`: the gate, the stored verdict).
    @discardableResult
    func build(_ id: String, commit: String, branch: String, _ given: [String: [Outcome]], duration: Double = 0.5) throws -> Verdict {
        var results = given
        for n in 0..<filler { results["t::filler\(n)"] = [.passed] }
        try store.createBuild(BuildSpec(id: id, suite: "unit", commit: commit, branch: branch, maxAttempts: 3),
                              testCount: results.count)
        var rows: [TestResult] = []
        for (test, outcomes) in results.sorted(by: { $0.key < $1.key }) {
            for (n, outcome) in outcomes.enumerated() {
                rows.append(TestResult(test: test, attempt: n + 1, outcome: outcome, duration: duration, worker: "w\(n % 2)",
                                       arch: .x86_64))
            }
        }
        _ = try store.recordResults(build: id, rows)
        return try BuildLifecycle(store: store, refresh: nil).finish(build: id)
    }
}

/// Requests to a server on loopback over real HTTP/1.1: one connection per request, written and
/// read with blocking sockets on a thread of its own, so a request's time is the server's alone.
/// (With URLSession, requests here timed out at 30 s together under the full suite on 2 cores,
/// while synchronous tests held the concurrency pool's threads.)
struct HTTPClient: Sendable {
    var port: Int

    struct Answer {
        var status: Int
        var body: String
        var contentType: String
        /// The body parsed as JSON (nil when it is not JSON).
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8), options: [.fragmentsAllowed]) }
        var object: [String: Any] { json as? [String: Any] ?? [:] }
        var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
        /// The `error` of a JSON error body.
        var error: String? { object["error"] as? String }
    }

    func request(_ method: String, _ path: String, body: String? = nil, token: String? = nil) async throws -> Answer {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        let payload = Array((body ?? "").utf8)
        if body != nil || method != "GET" { head += "Content-Length: \(payload.count)\r\n" }
        let bytes = Array((head + "\r\n").utf8) + payload
        let port = self.port
        let raw: [UInt8] = try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try LoopbackExchange(port: port).exchange(bytes) }) }.start()
        }
        return try Answer(parsing: raw)
    }

    func get(_ path: String) async throws -> Answer { try await request("GET", path) }
}
