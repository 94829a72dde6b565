import CZMQ
import Foundation

/// Watches one socket's security handshakes through a libzmq socket monitor: a client learns
/// that the coordinator refused it (wrong or missing keys) instead of waiting in silence, and the
/// coordinator logs peers that failed before ZAP saw them (plaintext peers).
///
/// `zmq_socket_monitor` is called on the monitored socket's thread; the returned endpoint may be
/// read with `HandshakeMonitor.open` on any thread of the same context.
public final class HandshakeMonitor {
    let socket: ZMQSocket

    /// Starts monitoring `socket`'s handshake events; returns the inproc endpoint to open.
    public static func start(on socket: ZMQSocket) throws(ZMQError) -> String {
        let endpoint = "inproc://testfleet-monitor-\(UUID().uuidString)"
        let events = ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
            | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_SUCCEEDED
        guard zmq_socket_monitor(socket.raw, endpoint, events) == 0 else { throw ZMQError("zmq_socket_monitor") }
        return endpoint
    }

    /// Connects to a monitor endpoint (on the thread that will read it).
    public init(context: ZMQContext, endpoint: String) throws(ZMQError) {
        socket = try ZMQSocket(context, kind: .pair)
        try socket.connect(endpoint)
    }

    /// Monitors `socket` and reads its events on this same thread (clients).
    public convenience init(watching socket: ZMQSocket) throws(ZMQError) {
        try self.init(context: socket.context, endpoint: Self.start(on: socket))
    }

    /// The socket to add to a `ZMQPoller`.
    public var pollable: ZMQSocket { socket }

    /// The next handshake event waiting, or nil.
    public func next() -> HandshakeEvent? {
        guard let frames = try? socket.receive(), frames.count >= 2, frames[0].count >= 6 else { return nil }
        let head = frames[0]
        let event = UInt16(head[0]) | UInt16(head[1]) << 8
        let value = UInt32(head[2]) | UInt32(head[3]) << 8 | UInt32(head[4]) << 16 | UInt32(head[5]) << 24
        return HandshakeEvent(event: Int32(event), value: value, endpoint: String(decoding: frames[1], as: UTF8.self))
    }
}

/// One handshake outcome reported by a socket monitor.
public struct HandshakeEvent: Sendable, CustomStringConvertible {
    public var event: Int32
    public var value: UInt32
    public var endpoint: String

    public var succeeded: Bool { event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED }
    /// The peer closed the connection mid-handshake without saying why: a security mismatch
    /// when it happens on every attempt, or a coordinator that was just exiting when once.
    public var isBareClosure: Bool {
        event != ZMQ_EVENT_HANDSHAKE_SUCCEEDED && event != ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
            && event != ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
    }
    /// Refused by the ZAP handler (which logs the refusal itself, with the key).
    public var refusedByAllowList: Bool { event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH }

    /// What went wrong, in words a user can act on.
    public var description: String {
        switch event {
        case ZMQ_EVENT_HANDSHAKE_SUCCEEDED: return "handshake succeeded on \(endpoint)"
        case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
            return "refused by the coordinator's allow-list (ZAP status \(value)): this key is not among its authorized keys"
        case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL where Int32(bitPattern: value) == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH:
            return "security mismatch on \(endpoint): one side uses CURVE keys and the other none"
        case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL where Int32(bitPattern: value) == ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC:
            return "CURVE handshake failed on \(endpoint): wrong coordinator public key, or a peer with other keys"
        case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
            return "handshake failed on \(endpoint) (protocol error 0x\(String(value, radix: 16)))"
        default:
            return "the connection on \(endpoint) was closed during the handshake (errno \(value)): "
                + "the two sides' CURVE settings do not match (one side has no keys, or the wrong server key)"
        }
    }
}
