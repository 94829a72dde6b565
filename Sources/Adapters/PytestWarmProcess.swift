#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Model

/// One live warm pytest process (see `PytestWarmPlugin`): the leader of its own process group,
/// with a request pipe (its fd 3), a result pipe (its fd 4) and its stdout and stderr on a third
/// pipe whose tail is kept since the last `markOutput()` (the output of the test now running,
/// which is what a crash or a hang leaves behind).
///
/// A warm session may be started with a twin (`withTwin`): a fork server the plugin forks off
/// when its first grant comes, once it has imported the build's test modules (see
/// `PytestWarmPlugin`); its ready line comes then. The twin is not this worker's child (it is
/// forked twice, in a session of its own); it has its own three pipes, and its pid comes with
/// its ready line.
final class PytestWarmProcess {
    /// What the process said or did next.
    enum Event {
        /// One JSON line from the plugin.
        case message([String: Any])
        /// The result pipe closed: the process died (crashed, was killed, or exited).
        case exited
        /// The deadline passed first.
        case timedOut
    }

    /// The process (group leader); 0 for a twin until its ready line names it.
    private(set) var pid: pid_t
    /// False for a twin: it cannot be waited for, and it is killed only while its pipe is open.
    let isOwnChild: Bool
    /// The twin fork server started with this session, until `takeTwin()`.
    private var twin: PytestWarmProcess?
    /// The identity of the process the results run in (`RunPlace.process`).
    private var runID = RunPlace.newProcess()
    /// Results reported there so far: the next one's position (a warm session's grants add up,
    /// so a test of a later grant counts every test of the earlier ones as before it).
    private var reported = 0
    /// The hash of the last `modules` sent (a session imports a list once; see `send`).
    private var modulesSent: Int?
    /// A fork server (`TESTFLEET_WARM_FORK=1`): each grant runs in a new child in which no test
    /// ran before, so each grant is a process of its own for the order-dependence check.
    let forksPerGrant: Bool
    private var requestFD: Int32
    private var resultFD: Int32
    private var outputFD: Int32
    /// Bytes read from the result pipe; lines before `pendingStart` were taken already.
    private var pending: [UInt8] = []
    private var pendingStart = 0
    /// One read buffer for both pipes, so a read does not allocate.
    private var chunk = [UInt8](repeating: 0, count: 65536)
    private var tail: OutputTail
    private let outputCap: Int
    private var stopped = false
    /// How the process ended, once `stop()` reaped it: "killed by signal 11", "exit status 1".
    private(set) var ending: String?
    /// Whether its plugin said it is ready (set by whoever read that line).
    var isReady = false
    /// A directory of the process's own (its pytest cache), removed when it is stopped; a twin
    /// shares its session's and removes it too (pytest makes it again if the other still writes).
    private let scratch: String?

    /// Starts `commandLine` (through `/bin/sh -c`) in `directory`.
    init(commandLine: String, directory: String, environment: [String: String], outputCap: Int,
         forksPerGrant: Bool = false, withTwin: Bool = false, scratch: String? = nil) throws(ProcessRunnerError) {
        self.forksPerGrant = forksPerGrant
        self.scratch = scratch
        isOwnChild = true
        // A write to the pipe of a process that just died must fail with EPIPE, not kill us.
        signal(SIGPIPE, SIG_IGN)
        var pipes: [[Int32]] = []
        for _ in 0..<(withTwin ? 6 : 3) {
            guard let pipe = makePipe() else {
                for fd in pipes.joined() { close(fd) }
                throw ProcessRunnerError("cannot create a pipe: \(String(cString: strerror(errno)))")
            }
            pipes.append(pipe)
        }
        let (request, result, output) = (pipes[0], pipes[1], pipes[2])
        var environment = environment
        environment["TESTFLEET_WARM_IN"] = "3"
        environment["TESTFLEET_WARM_OUT"] = "4"
        environment["TESTFLEET_WARM_OUTPUT_CAP"] = String(outputCap)
        var channels = [request[0], result[1]]
        if withTwin {
            environment["TESTFLEET_WARM_TWIN"] = "5,6,7"
            channels += [pipes[3][0], pipes[4][1], pipes[5][1]]
        }
        do {
            pid = try ProcessRunner.spawn(.shell(commandLine), directory: directory, environment: environment,
                                          outputFD: output[1], channels: channels)
        } catch {
            for fd in pipes.joined() { close(fd) }
            throw error
        }
        for fd in channels + [output[1]] { close(fd) }
        requestFD = request[1]
        resultFD = result[0]
        outputFD = output[0]
        for fd in [resultFD, outputFD] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        self.outputCap = outputCap
        tail = OutputTail(capacity: outputCap)
        if withTwin {
            twin = PytestWarmProcess(twinRequest: pipes[3][1], result: pipes[4][0], output: pipes[5][0], outputCap: outputCap,
                                     scratch: scratch)
        }
    }

    /// A twin fork server's end of its pipes.
    private init(twinRequest: Int32, result: Int32, output: Int32, outputCap: Int, scratch: String?) {
        pid = 0
        self.scratch = scratch
        isOwnChild = false
        forksPerGrant = true
        requestFD = twinRequest
        resultFD = result
        outputFD = output
        for fd in [resultFD, outputFD] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        self.outputCap = outputCap
        tail = OutputTail(capacity: outputCap)
    }

    /// The twin started with this session (once; nil without one). Whoever takes it stops it.
    func takeTwin() -> PytestWarmProcess? {
        defer { twin = nil }
        return twin
    }

    /// A twin's ready line names its pid.
    func readyLine(_ message: [String: Any]) {
        isReady = true
        if !isOwnChild, pid == 0, let named = message["pid"] as? Int, named > 1 { pid = pid_t(named) }
    }

    deinit { stop() }

    /// The place of the result being reported now, counted in report order (the plugin runs
    /// tests one at a time and reports each as it finishes).
    func nextPlace() -> RunPlace {
        defer { reported += 1 }
        return RunPlace(process: runID, position: reported)
    }

    /// Forgets the output so far: from here on the tail is the next test's.
    func markOutput() { tail = OutputTail(capacity: outputCap) }

    /// The output since the last mark, and the bytes dropped from its front.
    var output: (bytes: [UInt8], dropped: Int) { (tail.bytes, tail.dropped) }

    /// Sends one grant's node ids, and `modules` to import first unless this process was sent
    /// them already. False when the process is gone.
    func send(_ ids: [String], modules: [String] = []) -> Bool {
        guard !stopped else { return false }
        if forksPerGrant {
            runID = RunPlace.newProcess()
            reported = 0
        }
        var request: [String: Any] = ["ids": ids]
        if takeUnsent(modules) { request["import"] = modules }
        return Self.writeLine(request, to: requestFD)
    }

    /// Asks a twin that is not ready yet to be forked now: its session waits for its first grant
    /// (a second at most) before forking it, and a retry borrowing the twin meanwhile waited that
    /// second out on a worker whose session got no grant (a suite's first attempts all on the other
    /// worker). The session sees the line on the twin's pipe and forks; the twin skips it.
    func wake() {
        guard !stopped, !isOwnChild, !isReady else { return }
        _ = Self.writeLine(["wake": true], to: requestFD)
    }

    /// Answers a session's `holding` line: `id` is the test it runs next (nil: not known), so
    /// it tears down only what that test does not share (see `PytestWarmPlugin`). An id too long
    /// for one atomic pipe write (a reclaim may be written beside it) goes as not known, which
    /// tears down as much as a grant's end always did. False when the process is gone.
    func sendTowards(_ id: String?) -> Bool {
        guard !stopped else { return false }
        let towards: Any = id.flatMap { $0.utf8.count < 2048 ? $0 : nil } ?? NSNull()
        return Self.writeLine(["towards": towards], to: requestFD)
    }

    /// Sends `modules` to import now, ahead of any grant (`PytestAdapter.prepareWarm`), unless
    /// this process was sent them already. The plugin answers nothing. False when it is gone.
    func sendImport(_ modules: [String]) -> Bool {
        guard !stopped else { return false }
        guard modules.isEmpty || takeUnsent(modules) else { return true }
        return Self.writeLine(["import": modules], to: requestFD)
    }

    /// Whether `modules` (not empty) are not the ones this process was sent last; they are now.
    private func takeUnsent(_ modules: [String]) -> Bool {
        guard !modules.isEmpty, modules.hashValue != modulesSent else { return false }
        modulesSent = modules.hashValue
        return true
    }

    /// A second descriptor for the request pipe (close-on-exec), for a `GrantReclaim` to write a
    /// reclaim on while the grant runs; nil once stopped. Taken only after a grant's line is
    /// written and closed before the next, so two writers never interleave on the pipe.
    func duplicateRequestDescriptor() -> Int32? {
        guard !stopped, requestFD >= 0 else { return nil }
        let fd = fcntl(requestFD, F_DUPFD_CLOEXEC, 0)
        return fd >= 0 ? fd : nil
    }

    /// Writes `object` as one JSON line to a plugin's request pipe `fd`. False when it could not.
    static func writeLine(_ object: [String: Any], to fd: Int32) -> Bool {
        guard let body = try? JSONSerialization.data(withJSONObject: object) else { return false }
        var bytes = [UInt8](body)
        bytes.append(UInt8(ascii: "\n"))
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return false
            }
        }
        return true
    }

    /// Waits until the next line from the plugin, the process's death, or `deadline` (monotonic
    /// seconds), reading its output meanwhile.
    func next(until deadline: Double) -> Event {
        while true {
            if let line = takeLine() {
                if let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] {
                    return .message(object)
                }
                continue  // not ours (cannot happen on fd 4 unless a test wrote there): skip it
            }
            if resultFD < 0 {
                drainOutput(for: 0.3)
                return .exited
            }
            let now = ProcessRunner.now()
            if now >= deadline {
                readOutput()
                return .timedOut
            }
            var fds = [pollfd(fd: resultFD, events: Int16(POLLIN), revents: 0)]
            if outputFD >= 0 { fds.append(pollfd(fd: outputFD, events: Int16(POLLIN), revents: 0)) }
            let wait = Int32(min(1000, max(1, ((deadline - now) * 1000).rounded(.up))))
            _ = poll(&fds, nfds_t(fds.count), wait)
            readResults()
            // A line first: output read now may have been written after it (a test's crash
            // report after its "start"), and handling "start" clears the tail.
            if pending[pendingStart...].contains(UInt8(ascii: "\n")) { continue }
            readOutput()
        }
    }

    /// Reads the output already written. A fork server says a child died only after reaping it,
    /// so by then everything the child wrote (a fault handler's report) is in the pipe, while
    /// the line saying so may have been read first.
    func readWrittenOutput() { readOutput() }

    /// Ends an idle session the way a plain run ends: closing its request pipe lets it tear down
    /// what it kept set up across grants (its session-scoped fixtures: a test database, a
    /// server) and exit; after `deadline` (`ProcessRunner.now()` seconds) it is killed as
    /// `stop()` kills it. Returns the report of a session teardown that failed, for the log (no
    /// test is left to carry it). A fork server, which keeps nothing, is just stopped.
    func finish(until deadline: Double) -> String? {
        var failure: String?
        if !stopped && isOwnChild && !forksPerGrant {
            closeRequests()
            waiting: while true {
                switch next(until: deadline) {
                case .message(let message):
                    if let text = message["teardown"] as? String { failure = text }
                case .exited, .timedOut:
                    break waiting
                }
            }
        }
        stop()
        return failure
    }

    /// Closes the request pipe: the session's end of it reads end-of-file, tears down and exits
    /// (see `finish`). Several sessions closed first end side by side.
    func closeRequests() {
        guard !stopped, requestFD >= 0 else { return }
        close(requestFD)
        requestFD = -1
    }

    /// Kills the whole process group and reaps the leader. Idempotent.
    func stop() {
        guard !stopped else { return }
        stopped = true
        twin?.stop()
        if isOwnChild {
            kill(-pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let lowBits = status & 0x7f
            ending = lowBits == 0 ? "exit status \((status >> 8) & 0xff)" : "killed by signal \(lowBits)"
        } else {
            // Not our child: its pid is only trusted while its pipe is open (a dead twin's pid
            // may belong to someone else by now). Closing the pipes stops a twin that never said
            // its pid: it reads end-of-file and exits.
            if pid > 1 && !resultPipeClosed() { kill(-pid, SIGKILL) }
            ending = "its fork server ended"
        }
        for fd in [requestFD, resultFD, outputFD] where fd >= 0 { close(fd) }
        requestFD = -1
        resultFD = -1
        outputFD = -1
        if let scratch { try? FileManager.default.removeItem(atPath: scratch) }
    }

    /// Whether the other end of the result pipe is closed (the process is gone).
    private func resultPipeClosed() -> Bool {
        guard resultFD >= 0 else { return true }
        var fds = [pollfd(fd: resultFD, events: Int16(POLLIN), revents: 0)]
        _ = poll(&fds, 1, 0)
        return fds[0].revents & Int16(POLLHUP | POLLERR) != 0
    }

    /// A complete line from the result pipe, if one is buffered.
    private func takeLine() -> [UInt8]? {
        guard let end = pending[pendingStart...].firstIndex(of: UInt8(ascii: "\n")) else {
            // Everything before the partial line is taken: drop it (once, not per line).
            if pendingStart > 0 {
                pending.removeSubrange(..<pendingStart)
                pendingStart = 0
            }
            return nil
        }
        let line = Array(pending[pendingStart..<end])
        pendingStart = end + 1
        return line
    }

    private func readResults() {
        guard resultFD >= 0 else { return }
        while true {
            let count = chunk.withUnsafeMutableBytes { read(resultFD, $0.baseAddress, $0.count) }
            if count > 0 {
                pending.append(contentsOf: chunk[..<count])
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) {
                    close(resultFD)
                    resultFD = -1
                }
                return
            }
        }
    }

    private func readOutput() {
        guard outputFD >= 0 else { return }
        for _ in 0..<64 {
            let count = chunk.withUnsafeMutableBytes { read(outputFD, $0.baseAddress, $0.count) }
            if count > 0 {
                chunk.withUnsafeBytes { tail.append(UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) {
                    close(outputFD)
                    outputFD = -1
                }
                return
            }
        }
    }

    /// After a death: what the process (its fault handler) wrote last, until the pipe closes or
    /// `seconds` pass (a straggling child may hold it open).
    private func drainOutput(for seconds: Double) {
        let until = ProcessRunner.now() + seconds
        while outputFD >= 0 {
            let left = until - ProcessRunner.now()
            if left <= 0 { return }
            var fds = [pollfd(fd: outputFD, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, 1, Int32(max(1, (left * 1000).rounded(.up))))
            readOutput()
        }
    }
}
