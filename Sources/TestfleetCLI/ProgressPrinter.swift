import Foundation
import Wire

/// Prints build progress: one live line rewritten in place on a terminal, plain lines (at most
/// one every two seconds) otherwise, so CI logs stay readable.
final class ProgressPrinter: Sendable {
    let live = isatty(STDERR_FILENO) != 0
    let quiet: Bool
    let started = Date()
    private let lastLine = LockedDate()

    init(quiet: Bool) { self.quiet = quiet }

    func update(_ progress: BuildProgress) {
        guard !quiet else { return }
        let elapsed = Date().timeIntervalSince(started)
        let state = progress.isQueued
            ? "queued (\(progress.ahead) build\(progress.ahead == 1 ? "" : "s") ahead), "
            : "\(progress.running) running, "
        let text = "[\(progress.done)/\(progress.total)] \(state)\(progress.failed) failed, \(progress.workers) workers, "
            + String(format: "%.1fs", elapsed)
        if live {
            FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
        } else if lastLine.swapIfOlder(than: 2) || progress.done == progress.total {
            FileHandle.standardError.write(Data("\(text)\n".utf8))
        }
    }

    /// Ends the live line before other output.
    func finish() {
        if live && !quiet { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// The time of the last plain progress line.
private final class LockedDate: @unchecked Sendable {
    private var last = Date.distantPast
    private let lock = NSLock()

    func swapIfOlder(than seconds: Double) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard Date().timeIntervalSince(last) >= seconds else { return false }
        last = Date()
        return true
    }
}
