import Foundation

/// When a framework's console counts as making progress, for `SwiftGoConsoleCapture.run`.
struct StallWatch: Sendable {
    /// Seconds without a progress line after which the run is killed (the per-test timeout).
    var seconds: Double
    /// Seconds allowed from launch to the first progress line; nil: no limit before it (go
    /// compiles before its first event, and compiling is not a test). Starting the runner is not
    /// a test either, and on a loaded machine it alone can take longer than a short per-test
    /// timeout: a limit of `seconds` there killed a healthy batch just as its first test began.
    var secondsBeforeFirstProgress: Double?
    /// Whether a console line shows a test starting or ending.
    var isProgress: @Sendable (Substring) -> Bool
    /// Whether a console line ends one test process, after which the runner starts another
    /// (`swift test` runs XCTest, then Swift Testing): the next start gets the launch allowance.
    var endsAProcess: @Sendable (Substring) -> Bool = { _ in false }
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
        var launched = Self.now()
        var lastProgress: Double?
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
                        let line = Substring(decoding: partial[start..<newline], as: UTF8.self)
                        if watch.isProgress(line) {
                            lastProgress = Self.now()
                        } else if watch.endsAProcess(line) {
                            launched = Self.now()
                            lastProgress = nil
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
            let silentTooLong = lastProgress.map { Self.now() - $0 > watch.seconds }
                ?? watch.secondsBeforeFirstProgress.map { Self.now() - launched > $0 } ?? false
            if silentTooLong {
                lock.withLock { stalled = true }
                cancellation.cancel()
                return
            }
        }
    }

    private static func now() -> Double { ProcessInfo.processInfo.systemUptime }
}
