#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import Adapters

/// Real processes throughout: these are the hostile-test guarantees the worker relies on.
@Suite struct ProcessRunnerTests {
    let runner = ProcessRunner(terminationGrace: 0.3, drainAfterExit: 0.2)

    @Test func reportsExitStatusAndMergedOutput() throws {
        let ok = try runner.run(.shell("echo out; echo err >&2"))
        #expect(ok.exitStatus == 0 && ok.signal == nil && ok.succeeded)
        #expect(String(decoding: ok.output, as: UTF8.self) == "out\nerr\n")
        #expect(ok.droppedBytes == 0)
        let three = try runner.run(.shell("exit 3"))
        #expect(three.exitStatus == 3 && !three.succeeded && !three.timedOut)
        let argv = try runner.run(.argv(["sh", "-c", "exit 7"]))
        #expect(argv.exitStatus == 7)
    }

    @Test func reportsTheKillingSignal() throws {
        let run = try runner.run(.shell("kill -9 $$"))
        #expect(run.exitStatus == nil)
        #expect(run.signal == SIGKILL)
    }

    @Test func appliesDirectoryAndEnvironmentOverlay() throws {
        let dir = try TemporaryDirectory()
        let run = try runner.run(.shell("pwd; echo \"$TF_PROBE\"; test -n \"$PATH\" && echo path"),
                                 in: dir.path, environment: ["TF_PROBE": "a b"])
        let lines = String(decoding: run.output, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(URL(fileURLWithPath: lines[0]).resolvingSymlinksInPath().path
                == URL(fileURLWithPath: dir.path).resolvingSymlinksInPath().path)
        #expect(lines[1] == "a b")
        #expect(lines[2] == "path")
    }

    @Test func childrenDoNotInheritAnOpenStdin() throws {
        // stdin is /dev/null: a test that reads stdin gets EOF instead of hanging.
        let run = try runner.run(.shell("cat; echo done"), timeout: 5)
        #expect(!run.timedOut)
        #expect(String(decoding: run.output, as: UTF8.self) == "done\n")
    }

    @Test func timeoutKillsTheWholeProcessGroup() throws {
        let dir = try TemporaryDirectory()
        let pidFile = dir.path + "/grandchild.pid"
        let started = ProcessRunner.now()
        let run = try runner.run(.shell("sleep 100 & echo $! > '\(pidFile)'; wait"), timeout: 0.5)
        let elapsed = ProcessRunner.now() - started
        #expect(run.timedOut)
        #expect(!run.succeeded)
        #expect(elapsed >= 0.5 && elapsed < 3)
        let grandchild = try #require(try pidWritten(to: pidFile))
        #expect(waitUntilGone(grandchild))
    }

    /// Times out a shell `script(pidFile)` that leaves a process behind and writes its pid to
    /// `pidFile`; expects that process gone after the run.
    func expectTimedOutRunKillsWhatIt(_ left: String, timeout: Double, script: (String) -> String) throws {
        let dir = try TemporaryDirectory()
        let pidFile = dir.path + "/left.pid"
        let run = try runner.run(.shell(script(pidFile)), timeout: timeout)
        #expect(run.timedOut)
        let pid = try #require(try pidWritten(to: pidFile))
        #expect(waitUntilGone(pid), "\(left) outlived the run")
    }

    @Test func timeoutKillsADescendantThatLeftTheGroupAsSwiftTestsXCTestBinaryDoes() throws {
        // setsid: a new session and process group, out of reach of the run's group kill.
        try expectTimedOutRunKillsWhatIt("the escaped sleep", timeout: 0.5) { pidFile in
            "setsid sh -c 'echo $$ > \"\(pidFile)\"; exec sleep 100' & while [ ! -s '\(pidFile)' ]; do sleep 0.01; done; wait"
        }
    }

    @Test func aDescendantThatLeavesTheGroupAfterTheStopBeganIsKilledToo() throws {
        // The leader outlives SIGTERM and only then starts a child in a session of its own, as
        // `swift test` may launch its test binary just after the runner looked for escapees.
        try expectTimedOutRunKillsWhatIt("the late escapee", timeout: 0.3) { pidFile in
            "trap 'setsid sleep 100 & echo $! > \"\(pidFile)\"' TERM; while :; do sleep 0.02; done"
        }
    }

    @Test func timeoutEscalatesToSIGKILLWhenSIGTERMIsIgnored() throws {
        let dir = try TemporaryDirectory()
        let pidFile = dir.path + "/stubborn.pid"
        // The ignored SIGTERM is inherited by the background sleep too.
        let run = try runner.run(.shell("trap '' TERM; sleep 100 & echo $! > '\(pidFile)'; wait; wait"), timeout: 0.4)
        #expect(run.timedOut)
        #expect(run.duration < 3)
        let stubborn = try #require(try pidWritten(to: pidFile))
        #expect(waitUntilGone(stubborn))
    }

    @Test func hundredMegabytesKeepOnlyTheTailAndBoundedMemory() throws {
        let before = MemoryStatus.read()
        let cap = 64 * 1024
        let run = try runner.run(.shell("head -c 100000000 /dev/zero | tr '\\0' x; printf END"),
                                 timeout: 60, outputCap: cap)
        let after = MemoryStatus.read()
        #expect(run.exitStatus == 0)
        #expect(run.output.count == cap)
        #expect(run.droppedBytes == 100_000_003 - cap)
        #expect(run.output.suffix(3) == Array("END".utf8))
        #expect(run.output.dropLast(3).allSatisfy { $0 == UInt8(ascii: "x") })
        // Peak and current resident memory of this test process may not grow with the output.
        #expect(after.peakKiB - before.peakKiB < 50 * 1024, "VmHWM grew \(after.peakKiB - before.peakKiB) KiB")
        #expect(after.residentKiB - before.residentKiB < 50 * 1024, "VmRSS grew \(after.residentKiB - before.residentKiB) KiB")
    }

    @Test func backgroundChildHoldingThePipeDoesNotHang() throws {
        let dir = try TemporaryDirectory()
        let pidFile = dir.path + "/holder.pid"
        let started = ProcessRunner.now()
        let run = try runner.run(.shell("sleep 100 & echo $! > '\(pidFile)'; echo started"), timeout: 30)
        #expect(ProcessRunner.now() - started < 2)
        #expect(run.exitStatus == 0 && !run.timedOut)
        #expect(String(decoding: run.output, as: UTF8.self) == "started\n")
        let holder = try #require(try pidWritten(to: pidFile))
        #expect(waitUntilGone(holder))
    }

    @Test func cancellationFromAnotherThreadStopsTheRun() throws {
        let cancellation = RunCancellation()
        let runner = self.runner
        let box = ResultBox()
        let thread = Thread {
            do {
                box.set(.success(try runner.run(.shell("sleep 100"), timeout: 60, cancellation: cancellation)))
            } catch {
                box.set(.failure(error))
            }
        }
        thread.start()
        usleep(200_000)
        cancellation.cancel()
        let run = try #require(box.wait(seconds: 5)).get()
        #expect(run.cancelled && !run.timedOut && !run.succeeded)
        #expect(run.duration < 3)
    }

    @Test func concurrentRunsAreIndependent() throws {
        let runner = self.runner
        let results = ResultsArray(count: 12)
        DispatchQueue.concurrentPerform(iterations: 12) { index in
            let run = try? runner.run(.shell("echo run\(index); exit \(index % 4)"), timeout: 20)
            results.set(index, run)
        }
        for index in 0..<12 {
            let run = try #require(results.get(index))
            #expect(run.exitStatus == Int32(index % 4))
            #expect(String(decoding: run.output, as: UTF8.self) == "run\(index)\n")
        }
    }

    @Test func unstartableCommandsThrowNamingTheProblem() {
        #expect(throws: ProcessRunnerError.self) { try runner.run(.shell("true"), in: "/nonexistent/testfleet-dir") }
        #expect(throws: ProcessRunnerError.self) { try runner.run(.argv(["testfleet-no-such-program-x"])) }
        #expect(throws: ProcessRunnerError.self) { try runner.run(.argv([])) }
        let missing = try? runner.run(.shell("testfleet-no-such-program-x"))
        #expect(missing?.exitStatus == 127)
    }
}

/// True once `pid` no longer exists or is only a zombie waiting for init (within 2 s).
/// The pid a test's shell wrote to `path` (`echo $$ > path`), nil when there is none.
func pidWritten(to path: String) throws -> pid_t? {
    pid_t(try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
}

func waitUntilGone(_ pid: pid_t) -> Bool {
    for _ in 0..<200 {
        if kill(pid, 0) != 0 && errno == ESRCH { return true }
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
           let close = stat.lastIndex(of: ")"),
           stat[stat.index(close, offsetBy: 2)] == "Z" { return true }
        usleep(10_000)
    }
    return false
}

/// VmHWM / VmRSS of this process from /proc/self/status.
struct MemoryStatus {
    var peakKiB = 0
    var residentKiB = 0
    static func read() -> MemoryStatus {
        var status = MemoryStatus()
        let text = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, let value = Int(fields[1]) else { continue }
            if fields[0] == "VmHWM:" { status.peakKiB = value }
            if fields[0] == "VmRSS:" { status.residentKiB = value }
        }
        return status
    }
}

@Suite struct ProcessRunnerDescriptorTests {
    @Test func childrenInheritOnlyStdinStdoutAndStderr() throws {
        // A descriptor this process opened without close-on-exec must not reach the test.
        let leaked = open("/dev/null", O_RDONLY)
        defer { close(leaked) }
        #expect(leaked > 2)
        let run = try ProcessRunner().run(.shell("ls /proc/self/fd"), timeout: 10)
        let fds = String(decoding: run.output, as: UTF8.self).split(separator: "\n").compactMap { Int32($0) }
        #expect(!fds.contains(leaked), "fds seen by the child: \(fds)")
        #expect(Set(fds).isSuperset(of: [0, 1, 2]))
    }
}
