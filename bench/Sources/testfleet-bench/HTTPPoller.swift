// The service-load bench's API poller: threads that GET the coordinator's HTTP API on a fixed
// schedule (a rate per second in all, spread over the threads) and time each request from the
// moment it is sent to the last byte of the answer, over a fresh loopback TCP connection each
// time (as `curl` in a monitoring script would). A plain HTTP/1.1 client on POSIX sockets, so
// the figure is the server's and the kernel's, not a client library's.
import Foundation
import Transport

final class HTTPPoller: @unchecked Sendable {
    /// One request: which path, when it was sent (bench clock), how long it took, its status
    /// (0: no answer: refused, reset or timed out).
    struct Sample {
        var path: String
        var sentAt: Double
        var seconds: Double
        var status: Int
        var bytes: Int
    }

    let port: Int
    let paths: @Sendable (Int) -> String
    let ratePerSecond: Double
    let threads: Int
    private let state = Locked<(samples: [Sample], stop: Bool)>(([], false))
    private var running: [Thread] = []
    private let finished = DispatchGroup()

    /// - Parameter paths: the path of request number N (all threads draw from one sequence).
    init(port: Int, ratePerSecond: Double, threads: Int = 40, paths: @escaping @Sendable (Int) -> String) {
        self.port = port
        self.ratePerSecond = ratePerSecond
        self.threads = max(1, threads)
        self.paths = paths
    }

    var samples: [Sample] { state.withLock { $0.samples } }

    /// Starts polling; thread T sends requests T, T + threads, … at start + N / rate (late ones
    /// go out at once, none is skipped). Enough threads that a request may take `threads / rate`
    /// seconds before the schedule slips (2 s at 40 threads and 20/s); past that the achieved
    /// rate drops, and the bench reports it.
    func start() {
        let start = monotonicSeconds()
        for t in 0..<threads {
            finished.enter()
            let thread = Thread { [self] in
                defer { finished.leave() }
                var n = t
                while !state.withLock({ $0.stop }) {
                    let due = start + Double(n) / ratePerSecond
                    let now = monotonicSeconds()
                    if due > now { usleep(UInt32((due - now) * 1_000_000)); continue }
                    let path = paths(n)
                    let sent = monotonicSeconds()
                    let (status, body) = Self.get(port: port, path: path, timeout: 30)
                    let sample = Sample(path: path, sentAt: sent, seconds: monotonicSeconds() - sent, status: status, bytes: body.count)
                    state.withLock { $0.samples.append(sample) }
                    n += threads
                }
            }
            thread.name = "bench-http-\(t)"
            running.append(thread)
            thread.start()
        }
    }

    /// Stops and waits for requests in flight.
    func stop() {
        state.withLock { $0.stop = true }
        _ = finished.wait(timeout: .now() + 40)
    }

    /// One GET on 127.0.0.1:port with `Connection: close`; (status, body as sent: chunked
    /// bodies keep their chunk lines), status 0 when there was no complete answer.
    static func get(port: Int, path: String, timeout: Double) -> (status: Int, body: [UInt8]) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return (0, []) }
        defer { close(fd) }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { return (0, []) }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else { return (0, []) }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            answer.append(contentsOf: buffer[0..<n])
        }
        // "HTTP/1.1 200 OK\r\n…\r\n\r\nBODY"
        guard answer.count >= 12, let space = answer.firstIndex(of: 0x20),
              let status = Int(String(decoding: answer[(space + 1)..<min(space + 4, answer.count)], as: UTF8.self)) else { return (0, []) }
        let header = answer.indices.dropLast(3).first { answer[$0] == 13 && answer[$0 + 1] == 10 && answer[$0 + 2] == 13 && answer[$0 + 3] == 10 }
        return (status, header.map { Array(answer[($0 + 4)...]) } ?? [])
    }
}
