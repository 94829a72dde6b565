import CZMQ

/// A libzmq context. libzmq contexts are thread-safe, so one is shared by every thread of a
/// process; each socket, which is not, lives on one thread (see `ZMQSocket`).
public final class ZMQContext: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer

    /// - Parameter ioThreads: libzmq's background I/O threads; 1 is plenty below ~1 GB/s.
    public init(ioThreads: Int32 = 1) {
        raw = zmq_ctx_new()
        zmq_ctx_set(raw, ZMQ_IO_THREADS, ioThreads)
    }

    deinit {
        // Sockets set LINGER, so termination never waits on undelivered messages for long.
        zmq_ctx_term(raw)
    }
}
