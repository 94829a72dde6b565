import CZMQ
import Foundation

/// The coordinator's ZAP handler (ZeroMQ RFC 27): a REP socket on `inproc://zeromq.zap.01` in
/// the coordinator socket's context, answering each CURVE handshake with 200 when the client's
/// public key is in the allow-list (every `*.pub` in one directory) and 400 otherwise. Refused
/// peers are logged with their key and address, at most once a minute per peer (a refused
/// client reconnects every 100 ms). `reload()` re-reads the directory (on SIGHUP).
///
/// It also reads the coordinator socket's handshake monitor (`HandshakeMonitor`), to log peers
/// refused before ZAP is asked: plaintext clients and clients with the wrong server key.
public final class ZAPAuthenticator: Sendable {
    public static let endpoint = "inproc://zeromq.zap.01"

    /// The directory of authorised `*.pub` files.
    public let directory: String
    let log: @Sendable (String) -> Void
    /// Z85 public key → the file it came from.
    let allowed = Locked<[String: String]>([:])
    let stopRequested = Locked(false)
    let stopped = Locked(true)
    /// Refusal log lines last written (text → when, how many since).
    let refusals = Locked<[String: (last: Date, suppressed: Int)]>([:])

    /// Reads the allow-list now; a missing directory or a malformed `.pub` is an error.
    public init(authorizedKeys directory: String, log: @escaping @Sendable (String) -> Void) throws(CurveKeyError) {
        self.directory = directory
        self.log = log
        try reload()
    }

    /// The authorised keys now, Z85 → file name.
    public var authorizedKeys: [String: String] { allowed.withLock { $0 } }

    /// Re-reads every `*.pub` in the directory; returns how many keys are authorised. On an
    /// error the previous list stays in force.
    @discardableResult
    public func reload() throws(CurveKeyError) -> Int {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw CurveKeyError("cannot read the authorized keys directory \(directory): \(error.localizedDescription)")
        }
        var keys: [String: String] = [:]
        for name in names.sorted() where name.hasSuffix(".pub") {
            keys[try CurveKeyPair.loadPublicKey(directory + "/" + name)] = name
        }
        allowed.withLock { $0 = keys }
        return keys.count
    }

    /// Binds the handler in `context` and serves on a thread of its own until `stop()`; returns
    /// once it is bound, so the coordinator's socket never handshakes without it. `monitor` is a
    /// `HandshakeMonitor` endpoint of the coordinator's socket to log from.
    public func start(context: ZMQContext, monitor: String?) throws(ZMQError) {
        let ready = DispatchSemaphore(value: 0)
        let failure = Locked<String?>(nil)
        stopRequested.withLock { $0 = false }
        stopped.withLock { $0 = false }
        let thread = Thread { [self] in
            defer { stopped.withLock { $0 = true } }
            let socket: ZMQSocket, watcher: HandshakeMonitor?
            do {
                socket = try ZMQSocket(context, kind: .reply)
                try socket.bind(Self.endpoint)
                watcher = try monitor.map { endpoint throws(ZMQError) in try HandshakeMonitor(context: context, endpoint: endpoint) }
            } catch {
                failure.withLock { $0 = "\(error)" }
                ready.signal()
                return
            }
            ready.signal()
            serve(socket, watcher)
        }
        thread.name = "testfleet-zap"
        thread.start()
        ready.wait()
        if let error = failure.withLock({ $0 }) { throw ZMQError("ZAP handler on \(Self.endpoint): \(error)", code: 0) }
    }

    /// Stops the handler thread and closes its socket (before the context is terminated).
    public func stop() {
        stopRequested.withLock { $0 = true }
        while !stopped.withLock({ $0 }) { usleep(1000) }
    }

    func serve(_ socket: ZMQSocket, _ watcher: HandshakeMonitor?) {
        var poller = ZMQPoller()
        let requests = poller.add(socket)
        let events = watcher.map { poller.add($0.pollable) }
        while !stopRequested.withLock({ $0 }) {
            _ = try? poller.poll(milliseconds: 100)
            if poller.isReadable(requests) {
                while let frames = try? socket.receive() { try? socket.send(answer(frames)) }
            }
            if let events, let watcher, poller.isReadable(events) {
                while let event = watcher.next() {
                    if !event.succeeded && !event.refusedByAllowList { refused("refused a peer: \(event.description)") }
                }
            }
        }
    }

    /// The reply to one ZAP request: version, request id, status, text, user id, metadata.
    func answer(_ frames: [[UInt8]]) -> [[UInt8]] {
        let version = Array("1.0".utf8)
        guard frames.count >= 6, frames[0] == version else {
            return [version, frames.count > 1 ? frames[1] : [], Array("500".utf8), Array("malformed ZAP request".utf8), [], []]
        }
        let requestID = frames[1], address = String(decoding: frames[3], as: UTF8.self)
        let mechanism = String(decoding: frames[5], as: UTF8.self)
        guard mechanism == "CURVE", frames.count >= 7, let key = CurveKeyPair.z85(frames[6]) else {
            refused("refused a \(mechanism) peer from \(address): this coordinator takes CURVE clients only")
            return [version, requestID, Array("400".utf8), Array("CURVE required".utf8), [], []]
        }
        guard let file = allowed.withLock({ $0[key] }) else {
            refused("refused peer \(address) with public key \(key): not in \(directory)")
            return [version, requestID, Array("400".utf8), Array("key not authorized".utf8), [], []]
        }
        return [version, requestID, Array("200".utf8), Array("OK".utf8), Array(file.utf8), []]
    }

    /// Logs a refusal, the same line at most once a minute (with how many were held back).
    func refused(_ line: String) {
        let now = Date()
        let write: String? = refusals.withLock { table in
            if let seen = table[line], now.timeIntervalSince(seen.last) < 60 {
                table[line] = (seen.last, seen.suppressed + 1)
                return nil
            }
            let held = table[line]?.suppressed ?? 0
            table[line] = (now, 0)
            return held > 0 ? "\(line) (\(held) more times in the last minute)" : line
        }
        if let write { log(write) }
    }
}
