import CZMQ
#if canImport(Glibc)
import Glibc
#endif

/// A ZeroMQ socket. Deliberately not `Sendable`: libzmq sockets must stay on the thread that
/// made them, so each service creates its sockets inside its own thread and never hands them on.
public final class ZMQSocket {
    public enum Kind {
        case router, dealer
        /// The ZAP handler's socket (request/reply with libzmq's security mechanism).
        case reply
        /// One end of a socket monitor's event stream.
        case pair

        var raw: Int32 {
            switch self {
            case .router: ZMQ_ROUTER
            case .dealer: ZMQ_DEALER
            case .reply: ZMQ_REP
            case .pair: ZMQ_PAIR
            }
        }
    }

    let raw: UnsafeMutableRawPointer
    /// Keeps the context alive as long as any socket of it.
    let context: ZMQContext
    private var boundIPCPaths: [String] = []

    public init(_ context: ZMQContext, kind: Kind) throws(ZMQError) {
        guard let socket = zmq_socket(context.raw, kind.raw) else { throw ZMQError("zmq_socket") }
        self.raw = socket
        self.context = context
        try setInt(ZMQ_LINGER, 200)
        // Results and grants are batched, so message counts stay small; a generous high-water
        // mark means no silent drops under bursts.
        try setInt(ZMQ_SNDHWM, 100_000)
        try setInt(ZMQ_RCVHWM, 100_000)
        if kind == .router { try setInt(ZMQ_ROUTER_MANDATORY, 1) }
    }

    deinit {
        zmq_close(raw)
        // libzmq leaves ipc:// socket files behind.
        for path in boundIPCPaths { unlink(path) }
    }

    public func setInt(_ option: Int32, _ value: Int32) throws(ZMQError) {
        var v = value
        guard zmq_setsockopt(raw, option, &v, MemoryLayout<Int32>.size) == 0 else {
            throw ZMQError("zmq_setsockopt(\(option))")
        }
    }

    /// The routing id a ROUTER peer sees; stable across reconnects, so a coordinator that
    /// restarts recognises the worker's results.
    /// Sets a byte-string option (keys, domains).
    public func setBytes(_ option: Int32, _ bytes: [UInt8]) throws(ZMQError) {
        guard zmq_setsockopt(raw, option, bytes, bytes.count) == 0 else { throw ZMQError("zmq_setsockopt(\(option))") }
    }

    public func setIdentity(_ identity: String) throws(ZMQError) {
        let bytes = Array(identity.utf8.prefix(255))
        guard zmq_setsockopt(raw, ZMQ_ROUTING_ID, bytes, bytes.count) == 0 else { throw ZMQError("set routing id") }
    }

    /// Binds and returns the endpoint actually bound (the port of `tcp://host:*`).
    @discardableResult
    public func bind(_ endpoint: String) throws(ZMQError) -> String {
        if endpoint.hasPrefix("ipc://") {
            // A socket file left by a killed coordinator would make the bind fail.
            let path = String(endpoint.dropFirst(6))
            unlink(path)
            boundIPCPaths.append(path)
        }
        guard zmq_bind(raw, endpoint) == 0 else { throw ZMQError("bind \(endpoint)") }
        var buffer = [UInt8](repeating: 0, count: 512)
        var size = buffer.count
        guard zmq_getsockopt(raw, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else { return endpoint }
        return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
    }

    public func connect(_ endpoint: String) throws(ZMQError) {
        guard zmq_connect(raw, endpoint) == 0 else { throw ZMQError("connect \(endpoint)") }
    }

    /// Sends one multipart message. Never blocks: a full queue or unknown peer throws.
    public func send(_ frames: [[UInt8]]) throws(ZMQError) {
        for (i, frame) in frames.enumerated() {
            let flags = ZMQ_DONTWAIT | (i < frames.count - 1 ? ZMQ_SNDMORE : 0)
            while true {
                let rc = frame.withUnsafeBytes { zmq_send(raw, $0.baseAddress, frame.count, flags) }
                if rc >= 0 { break }
                let code = zmq_errno()
                if code == EINTR { continue }
                throw ZMQError("send", code: code)
            }
        }
    }

    /// Receives one multipart message, or nil when none is waiting (`wait == false`).
    public func receive(wait: Bool = false) throws(ZMQError) -> [[UInt8]]? {
        var frames: [[UInt8]] = []
        var message = zmq_msg_t()
        zmq_msg_init(&message)
        defer { zmq_msg_close(&message) }
        repeat {
            let rc = zmq_msg_recv(&message, raw, (wait || !frames.isEmpty) ? 0 : ZMQ_DONTWAIT)
            if rc < 0 {
                let code = zmq_errno()
                if code == EAGAIN && frames.isEmpty { return nil }
                if code == EINTR { continue }
                throw ZMQError("receive", code: code)
            }
            let size = zmq_msg_size(&message)
            let data = zmq_msg_data(&message)!
            frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
        } while zmq_msg_more(&message) != 0
        return frames
    }
}
