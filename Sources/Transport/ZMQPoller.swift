import CZMQ
#if canImport(Glibc)
import Glibc
#endif

/// Waits on sockets and plain file descriptors (an eventfd a worker thread signals) at once.
public struct ZMQPoller {
    private var items: [zmq_pollitem_t] = []

    public init() {}

    /// Adds a socket; returns its index for `isReadable`.
    @discardableResult
    public mutating func add(_ socket: ZMQSocket) -> Int {
        items.append(zmq_pollitem_t(socket: socket.raw, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0))
        return items.count - 1
    }

    /// Adds a file descriptor; returns its index for `isReadable`.
    @discardableResult
    public mutating func add(fd: Int32) -> Int {
        items.append(zmq_pollitem_t(socket: nil, fd: fd, events: Int16(ZMQ_POLLIN), revents: 0))
        return items.count - 1
    }

    /// Waits up to `milliseconds` (−1 forever). Returns how many items are ready.
    @discardableResult
    public mutating func poll(milliseconds: Int) throws(ZMQError) -> Int {
        let count = Int32(items.count)
        while true {
            let rc = items.withUnsafeMutableBufferPointer { zmq_poll($0.baseAddress, count, milliseconds) }
            if rc >= 0 { return Int(rc) }
            let code = zmq_errno()
            if code == EINTR { return 0 }
            throw ZMQError("poll", code: code)
        }
    }

    public func isReadable(_ index: Int) -> Bool { items[index].revents & Int16(ZMQ_POLLIN) != 0 }
}
