#if canImport(Glibc)
import Glibc
#endif

/// A wake-up a worker thread sends to a socket-owning thread: a non-blocking pipe that
/// `ZMQPoller` can wait on beside its sockets. Many signals coalesce into one wake-up.
public final class EventSignal: @unchecked Sendable {
    /// The end to poll.
    public let fd: Int32
    private let writeEnd: Int32

    public init() {
        var ends: [Int32] = [-1, -1]
        let rc = pipe(&ends)
        precondition(rc == 0, "pipe failed: \(errno)")
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        fd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        close(fd)
        close(writeEnd)
    }

    public func signal() {
        var one: UInt8 = 1
        // A full pipe already means "wake up": EAGAIN is fine.
        _ = write(writeEnd, &one, 1)
    }

    /// Clears pending signals (call after the poller saw the fd readable).
    public func drain() {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(fd, &buffer, buffer.count) > 0 {}
    }
}
