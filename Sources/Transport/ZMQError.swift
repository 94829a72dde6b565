import CZMQ
#if canImport(Glibc)
import Glibc
#endif

/// A libzmq call that failed, with the errno text.
public struct ZMQError: Error, Sendable, CustomStringConvertible {
    public var code: Int32
    public var operation: String

    init(_ operation: String, code: Int32 = zmq_errno()) {
        self.code = code
        self.operation = operation
    }

    public var description: String {
        "\(operation): \(String(cString: zmq_strerror(code)))"
    }

    /// The peer is unknown to a ROUTER (it left, or never said hello).
    public var isHostUnreachable: Bool { code == EHOSTUNREACH }
    /// Non-blocking call with nothing to do.
    public var isWouldBlock: Bool { code == EAGAIN }
}
