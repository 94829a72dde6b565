import Foundation
import Model

/// Runs a framework's command with its stdout and stderr going to a file instead of the
/// runner's capped pipe, for the swift and go adapters: their per-test results are *in* that
/// output (XCTest's console lines, `go test -json` events), and a batch of thousands of tests
/// easily exceeds the per-test output cap, whose ring would silently drop the first results.
/// The runner still owns the process group, the timeout and cancellation.
enum SwiftGoConsoleCapture {
    /// Runs `words` through `/bin/sh -c 'exec "$@" >>"$0" 2>&1'`, so no argument is ever
    /// re-parsed by the shell. Append mode because several processes write the file (swift test
    /// and the test binary it starts, a crash backtracer): with `O_APPEND` every write lands at
    /// the end, whereas a writer that reopens the path would otherwise overwrite from offset 0.
    /// The runner's own output then holds only the shell's complaints (for example
    /// `exec: swift: not found`, exit status 127).
    ///
    /// With a `stall` watch, the run is also killed when no progress line (a test starting or
    /// ending) appeared for `stall.seconds`: that is how a batch honours the suite's per-test
    /// timeout. A stalled run comes back with `timedOut` set and `stalled` true.
    ///
    /// `lineBuffered` runs the command under coreutils' `stdbuf -oL -eL` (when installed): C
    /// stdio buffers a file in 4 KiB blocks, so without it XCTest's lines reach the file only when
    /// the process exits; a hang would look like silence and a crash would lose the last lines.
    static func run(
        _ words: [String], consoleFile: String, runner: ProcessRunner, directory: String,
        environment: [String: String], timeout: Double?, cancellation: RunCancellation?, stall: StallWatch? = nil,
        lineBuffered: Bool = false
    ) throws(ProcessRunnerError) -> (run: ProcessRunner.Run, stalled: Bool) {
        let prefix = lineBuffered ? stdbuf.map { [$0, "-oL", "-eL"] } ?? [] : []
        let argv = ["/bin/sh", "-c", "exec \"$@\" >>\"$0\" 2>&1", consoleFile] + prefix + words
        guard let stall else {
            let run = try runner.run(
                .argv(argv), in: directory, environment: environment, timeout: timeout, outputCap: 64 * 1024,
                cancellation: cancellation)
            return (run, false)
        }
        let watcher = StallWatcher(file: consoleFile, watch: stall, outer: cancellation)
        watcher.start()
        var run = try runner.run(
            .argv(argv), in: directory, environment: environment, timeout: timeout, outputCap: 64 * 1024,
            cancellation: watcher.cancellation)
        let stalled = watcher.stop()
        if stalled {
            run.cancelled = false
            run.timedOut = true
        }
        return (run, stalled)
    }

    /// coreutils' `stdbuf`, if this machine has it.
    static let stdbuf: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let candidates = path.split(separator: ":").map { "\($0)/stdbuf" } + ["/usr/bin/stdbuf", "/bin/stdbuf"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Calls `body` with every line of the file at `path` (without the newline), reading it in
    /// 1 MiB pieces so a huge console does not have to fit in memory. A missing file has no lines.
    static func forEachLine(inFile path: String, _ body: (Substring) -> Void) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        var pending: [UInt8] = []
        while let data = try? handle.read(upToCount: 1 << 20), !data.isEmpty {
            pending.append(contentsOf: data)
            var start = 0
            while let newline = pending[start...].firstIndex(of: 10) {
                body(Substring(decoding: pending[start..<newline], as: UTF8.self))
                start = newline + 1
            }
            pending.removeFirst(start)
        }
        if !pending.isEmpty { body(Substring(decoding: pending, as: UTF8.self)) }
    }

    /// The last `cap` bytes of the file at `path`, and how many bytes came before them.
    static func tail(ofFile path: String, cap: Int) -> (bytes: [UInt8], dropped: Int) {
        var tail = OutputTail(capacity: cap)
        forEachLine(inFile: path) { tail.append(Array($0.utf8) + [10]) }
        return (tail.bytes, tail.dropped)
    }

    /// A fresh private directory for one batch's files; the caller removes it.
    /// Runs a listing command (`go test -list`, `swift test list`) with its console in
    /// `scratch/list.log` and returns the run and that console's text. A tool that cannot be
    /// started at all is a bad-input `TestfleetError` naming the suite.
    static func list(
        _ words: [String], tool: String, suite: SuiteDefinition, scratch: String, runner: ProcessRunner,
        timeout: Double, cancellation: RunCancellation?
    ) throws(TestfleetError) -> (run: ProcessRunner.Run, text: String) {
        let console = scratch + "/list.log"
        let run: ProcessRunner.Run
        do {
            run = try Self.run(words, consoleFile: console, runner: runner, directory: suite.directory,
                               environment: suite.environment, timeout: timeout, cancellation: cancellation).run
        } catch {
            throw TestfleetError.badInput("suite '\(suite.name)': cannot run \(tool): \(error.message)")
        }
        return (run, String(decoding: FileManager.default.contents(atPath: console) ?? Data(), as: UTF8.self))
    }

    static func makeTemporaryDirectory(prefix: String) -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A command line split on whitespace (the suite file's `command`, e.g. `swift` or
    /// `/opt/swift/usr/bin/swift`); nil or blank gives `fallback`.
    static func words(of command: String?, fallback: String) -> [String] {
        let words = (command ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
        return words.isEmpty ? [fallback] : words
    }

    /// `5` for whole seconds, `0.5` otherwise.
    static func seconds(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
