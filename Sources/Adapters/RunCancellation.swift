#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A switch another thread flips to stop runs early (a worker draining on SIGTERM, a lease that
/// was revoked). A run watching it kills its process group as on a timeout and reports itself
/// cancelled. One switch may be shared by many runs; once flipped it stays flipped.
///
/// It wakes a run blocked in `poll()` at once through a pipe whose read end every run polls; the
/// byte written on cancel is never consumed, so the pipe stays readable for every watcher.
public final class RunCancellation: @unchecked Sendable {
    // Guarded by `lock`; the descriptors are fixed after init.
    private let lock = NSLock()
    private var flipped = false
    let wakeFD: Int32
    private let signalFD: Int32

    public init() {
        // Without a pipe a run still sees the flag on its next periodic check.
        let fds = makePipe(extraFlags: O_NONBLOCK) ?? [-1, -1]
        wakeFD = fds[0]
        signalFD = fds[1]
    }

    deinit {
        if wakeFD >= 0 { close(wakeFD) }
        if signalFD >= 0 { close(signalFD) }
    }

    /// Whether `cancel()` has been called.
    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return flipped
    }

    /// Stops every run watching this switch, now and in future.
    public func cancel() {
        lock.lock()
        defer { lock.unlock() }
        guard !flipped else { return }
        flipped = true
        if signalFD >= 0 {
            var byte: UInt8 = 1
            _ = write(signalFD, &byte, 1)
        }
    }
}
