import Foundation

/// When a framework's console counts as making progress, for `SwiftGoConsoleCapture.run`.
struct StallWatch: Sendable {
    /// Seconds without a progress line after which the run is killed (the per-test timeout).
    var seconds: Double
    /// Whether the clock starts only at the first progress line (go compiles before its first
    /// event, and compiling is not a test), or at once.
    var armOnFirstProgress: Bool
    /// Whether a console line shows a test starting or ending.
    var isProgress: @Sendable (Substring) -> Bool
}

/// A thread that follows a console file while a run is going and flips the run's cancellation
/// when no progress line appeared for too long. It also passes the outer cancellation (a
/// draining worker) through, since a run watches only one switch.
final class StallWatcher: @unchecked Sendable {
    let cancellation = RunCancellation()
    private let file: String
    private let watch: StallWatch
    private let outer: RunCancellation?
    // Guarded by `lock`.
    private let lock = NSLock()
    private var finished = false
    private var stalled = false
    private let done = DispatchSemaphore(value: 0)
    /// Signalled by `stop()` so the watch ends at once instead of at its next 0.1 s tick.
    private let wake = DispatchSemaphore(value: 0)

    init(file: String, watch: StallWatch, outer: RunCancellation?) {
        self.file = file
        self.watch = watch
        self.outer = outer
    }

    func start() {
        let thread = Thread { [self] in
            follow()
            done.signal()
        }
        thread.name = "testfleet-stall-watch"
        thread.start()
    }

    /// Ends the watch; true when it killed the run for stalling.
    func stop() -> Bool {
        lock.withLock { finished = true }
        wake.signal()
        done.wait()
        return lock.withLock { stalled }
    }

    private func follow() {
        var offset: UInt64 = 0
        var partial: [UInt8] = []
        var lastProgress: Double? = watch.armOnFirstProgress ? nil : Self.now()
        while !lock.withLock({ finished }) {
            _ = wake.wait(timeout: .now() + 0.1)
            if outer?.isCancelled == true { cancellation.cancel() }
            if let handle = FileHandle(forReadingAtPath: file) {
                _ = try? handle.seek(toOffset: offset)
                while let data = try? handle.read(upToCount: 1 << 20), !data.isEmpty {
                    offset += UInt64(data.count)
                    partial.append(contentsOf: data)
                    var start = 0
                    while let newline = partial[start...].firstIndex(of: 10) {
                        if watch.isProgress(Substring(decoding: partial[start..<newline], as: UTF8.self)) {
                            lastProgress = Self.now()
                        }
                        start = newline + 1
                    }
                    partial.removeFirst(start)
                    // Progress lines are short; a test printing megabytes without a newline
                    // must not grow this buffer.
                    if partial.count > 1 << 16 { partial.removeAll() }
                }
                try? handle.close()
            }
            if let lastProgress, Self.now() - lastProgress > watch.seconds {
                lock.withLock { stalled = true }
                cancellation.cancel()
                return
            }
        }
    }

    private static func now() -> Double { ProcessInfo.processInfo.systemUptime }
}
