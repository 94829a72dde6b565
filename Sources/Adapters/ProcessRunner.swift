#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A command that could not be started (missing program, missing working directory).
public struct ProcessRunnerError: Error, Sendable, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Runs one command at a time per call, hardened against hostile tests:
///
/// - the command leads its **own process group** (posix_spawn with `POSIX_SPAWN_SETPGROUP`;
///   Foundation's `Process` cannot), so a timeout kills the whole tree: SIGTERM to the group,
///   `terminationGrace` seconds, then SIGKILL to the group;
/// - stdout and stderr share one pipe read with `poll()`, keeping only the **tail** of the output
///   (`outputCap` bytes in a ring) and counting the bytes dropped, so 100 MB of output costs the
///   cap, not 100 MB;
/// - when the command exits while a background child still holds the pipe open, reading stops
///   after `drainAfterExit` seconds instead of waiting for the child;
/// - whatever is left of the group when the run ends is killed (SIGKILL), so a test cannot leave
///   daemons behind. The group is killed *before* the leader is reaped, while its pid (and so
///   the group id) cannot have been reused by an unrelated process.
///
/// Calls are independent and may run on several threads at once.
public struct ProcessRunner: Sendable {
    /// What to run.
    public enum Command: Sendable, Hashable {
        /// A command line for `/bin/sh -c`.
        case shell(String)
        /// A program and its arguments; a program name without `/` is searched in `PATH`.
        case argv([String])
    }

    /// How a run ended.
    public struct Run: Sendable, Hashable {
        /// The exit status, when the command exited normally.
        public var exitStatus: Int32?
        /// The signal that ended the command, when one did.
        public var signal: Int32?
        /// The run hit its timeout and was killed.
        public var timedOut: Bool
        /// The run was stopped through its `RunCancellation`.
        public var cancelled: Bool
        /// Seconds from start until the command exited (or was given up on).
        public var duration: Double
        /// The kept tail of stdout and stderr, interleaved as written.
        public var output: [UInt8]
        /// Bytes dropped from the front of the output because of the cap.
        public var droppedBytes: Int

        /// Exit status 0, not timed out, not cancelled.
        public var succeeded: Bool { exitStatus == 0 && !timedOut && !cancelled }
    }

    /// Seconds between the stop signal and SIGKILL when a run is stopped.
    public var terminationGrace: Double
    /// Seconds to keep reading after the command exited while something else holds the pipe.
    public var drainAfterExit: Double
    /// The first signal a stopped run's group gets: SIGTERM, or SIGINT for programs that write
    /// their reports on KeyboardInterrupt (pytest writes its JUnit XML then).
    public var stopSignal: Int32

    public init(terminationGrace: Double = 1.0, drainAfterExit: Double = 0.2, stopSignal: Int32 = 15 /* SIGTERM */) {
        self.terminationGrace = terminationGrace
        self.drainAfterExit = drainAfterExit
        self.stopSignal = stopSignal
    }

    /// Runs `command` in `directory` (nil: this process's) with `environment` laid over this
    /// process's environment. `timeout` nil means no limit. Throws only when the command cannot
    /// be started; a command that fails, crashes or times out is a normal `Run`.
    public func run(
        _ command: Command, in directory: String? = nil, environment: [String: String] = [:],
        timeout: Double? = nil, outputCap: Int = 1 << 20, cancellation: RunCancellation? = nil
    ) throws(ProcessRunnerError) -> Run {
        guard let fds = makePipe() else {
            throw ProcessRunnerError("cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        let readFD = fds[0]
        let pid: pid_t
        do {
            pid = try Self.spawn(command, directory: directory, environment: environment, outputFD: fds[1])
        } catch {
            close(fds[0])
            close(fds[1])
            throw error
        }
        close(fds[1])
        defer { close(readFD) }
        _ = fcntl(readFD, F_SETFL, fcntl(readFD, F_GETFL) | O_NONBLOCK)

        let start = Self.now()
        let deadline = timeout.map { start + max(0, $0) }
        var tail = OutputTail(capacity: outputCap)
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var pipeOpen = true
        var exitedAt: Double?
        var drainUntil: Double?
        var stopping: (timedOut: Bool, killAt: Double?)?  // set once SIGTERM went out
        var escaped: [pid_t] = []  // descendants outside the group, found when stopping began
        var lookedAt = 0.0  // when `escaped` was last looked for
        var idleWait = 0.001  // poll interval while the pipe is closed and the leader still runs

        while true {
            if exitedAt == nil, Self.hasExited(pid) {
                exitedAt = Self.now()
                // A stopped run's group gets its whole grace to wind down (pytest under a shell
                // that died of the signal still writes its report); otherwise a short drain.
                drainUntil = max(exitedAt! + drainAfterExit, stopping?.killAt ?? 0)
            }
            if exitedAt != nil && !pipeOpen { break }
            let now = Self.now()
            if let drainUntil, now >= drainUntil { break }  // a straggler holds the pipe
            if exitedAt == nil {
                if stopping == nil {
                    let timedOut = deadline.map { now >= $0 } ?? false
                    if timedOut || cancellation?.isCancelled == true {
                        stopping = (timedOut, now + terminationGrace)
                        escaped = Self.escapedTargets(of: pid)
                        lookedAt = now
                        Self.signalAll(pid, escaped: escaped, stopSignal)
                    }
                } else if let killAt = stopping?.killAt, now >= killAt {
                    Self.signalAll(pid, escaped: escaped, SIGKILL)
                    stopping?.killAt = nil
                } else if now - lookedAt >= 0.05 {
                    // A child the leader started in a group of its own just after the first
                    // look (`swift test` launching its test binary) escaped it: look again
                    // while the leader lives, since its exit hands its children to init. At
                    // most once a poll interval: a test flooding output wakes this loop at
                    // every read, and each look reads all of /proc.
                    lookedAt = now
                    let late = Self.escapedTargets(of: pid).filter { !escaped.contains($0) }
                    let signal = stopping?.killAt == nil ? SIGKILL : stopSignal
                    for target in late { kill(target, signal) }
                    escaped += late
                }
            }

            // Sleep in poll() until output, a cancel, or the next thing to check.
            var wait = pipeOpen ? 0.05 : idleWait
            if !pipeOpen { idleWait = min(idleWait * 2, 0.05) }
            if stopping == nil, let deadline { wait = min(wait, deadline - now) }
            if let killAt = stopping?.killAt { wait = min(wait, killAt - now) }
            if let drainUntil { wait = min(wait, drainUntil - now) }
            var pollFDs: [pollfd] = []
            if pipeOpen { pollFDs.append(pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)) }
            if stopping == nil, let wakeFD = cancellation?.wakeFD, wakeFD >= 0 {
                pollFDs.append(pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0))
            }
            let ready = poll(&pollFDs, nfds_t(pollFDs.count), Int32((max(0, wait) * 1000).rounded(.up)).clamped(min: 0, max: 50))
            guard ready > 0, pipeOpen, pollFDs[0].revents != 0 else { continue }

            // Read what is there, but come back to the clock now and then: a flood of output
            // must not starve the timeout.
            for _ in 0..<64 {
                let count = chunk.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
                if count > 0 {
                    chunk.withUnsafeBytes { tail.append(UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
                } else if count == 0 {
                    pipeOpen = false
                    break
                } else if errno == EINTR {
                    continue
                } else {
                    // EAGAIN: drained for now. Anything else: treat as closed.
                    if errno != EAGAIN && errno != EWOULDBLOCK { pipeOpen = false }
                    break
                }
            }
        }

        // Nothing of the test may outlive the run; the leader is still unreaped, so `pid` still
        // names this group. What escaped it is killed only when the run was stopped: a finished
        // run's escaped descendants (a daemon a test meant to start) are not a timeout's business.
        Self.signalAll(pid, escaped: escaped, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let end = exitedAt ?? Self.now()
        let lowBits = status & 0x7f
        return Run(
            exitStatus: lowBits == 0 ? (status >> 8) & 0xff : nil,
            signal: lowBits != 0 && lowBits != 0x7f ? lowBits : nil,
            timedOut: stopping?.timedOut == true,
            cancelled: stopping.map { !$0.timedOut } ?? false,
            duration: end - start,
            output: tail.bytes,
            droppedBytes: tail.dropped)
    }

    /// Whether the leader has exited, without reaping it (`WNOWAIT`), so its pid and process
    /// group id stay reserved until the group has been killed.
    private static func hasExited(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        while true {
            let result = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
            if result == 0 { return info._sifields._sigchld.si_pid == pid }
            if errno != EINTR { return true }  // ECHILD: nothing left to wait for
        }
    }

    /// Monotonic seconds.
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }
}

extension Int32 {
    fileprivate func clamped(min low: Int32, max high: Int32) -> Int32 { Swift.min(Swift.max(self, low), high) }
}
