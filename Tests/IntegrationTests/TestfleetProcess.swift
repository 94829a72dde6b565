import Foundation

/// The `testfleet` binary built beside this test bundle, run as a real process.
enum Testfleet {
    static var binary: String {
        if let explicit = ProcessInfo.processInfo.environment["TESTFLEET_BIN"] { return explicit }
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return me.deletingLastPathComponent().appendingPathComponent("testfleet").path
    }

    struct Finished {
        var code: Int32
        var stdout: String
        var stderr: String
    }

    /// Starts `testfleet ARGS` in `directory`; output goes to files so a chatty process never
    /// blocks on a full pipe.
    /// `executable` replaces the testfleet binary (a wrapper such as `ip netns exec`).
    static func start(_ arguments: [String], in directory: String, environment: [String: String] = [:],
                      executable: String? = nil) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? binary)
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let id = UUID().uuidString
        let out = directory + "/out-\(id).txt", err = directory + "/err-\(id).txt"
        FileManager.default.createFile(atPath: out, contents: nil)
        FileManager.default.createFile(atPath: err, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return Running(process: process, stdoutPath: out, stderrPath: err)
    }

    /// Runs to completion (killed after `timeout` seconds).
    static func run(_ arguments: [String], in directory: String, timeout: Double = 120,
                    environment: [String: String] = [:]) throws -> Finished {
        try start(arguments, in: directory, environment: environment).wait(timeout: timeout)
    }

    final class Running {
        let process: Process
        let stdoutPath: String
        let stderrPath: String

        init(process: Process, stdoutPath: String, stderrPath: String) {
            self.process = process
            self.stdoutPath = stdoutPath
            self.stderrPath = stderrPath
        }

        var pid: Int32 { process.processIdentifier }

        func wait(timeout: Double) -> Finished {
            let deadline = Date(timeIntervalSinceNow: timeout)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning {
                kill(pid, SIGKILL)
                process.waitUntilExit()
            }
            let out = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
            let err = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
            return Finished(code: process.isRunning ? -1 : process.terminationStatus, stdout: out, stderr: err)
        }

        func signal(_ sig: Int32) { kill(pid, sig) }

        /// Child process ids (Linux /proc), e.g. the worker processes of `run --local`.
        var children: [Int32] {
            let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
            return text.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
    }

    /// The path of `Tests/Fixtures/<name>` (a fixture project or file).
    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/" + name).path
    }

    /// Writes `file`: one pytest suite named `name` on Tests/Fixtures/`fixture`, run by `command`
    /// (the adapter's default when nil), with the environment the fixtures' runs need.
    static func writePytestSuite(_ file: String, name: String, fixture: String, command: String? = nil) throws {
        try """
            [[suite]]
            name = "\(name)"
            adapter = "pytest"
            dir = "\(Self.fixture(fixture))"
            \(command.map { "command = \"\($0)\"" } ?? "")
            timeout_s = 120
            env = { PYTHONDONTWRITEBYTECODE = "1", PYTEST_DISABLE_PLUGIN_AUTOLOAD = "1" }
            """.write(toFile: file, atomically: true, encoding: .utf8)
    }

    /// The port a coordinator started with `--bind tcp://HOST:*` bound (ZeroMQ's wildcard: the
    /// kernel picks a free one), read from its "listening on" line. When none comes within
    /// `timeout` seconds the coordinator is killed and the error carries what it printed. A port
    /// drawn at random can be held by a test running beside it: PartitionTests once drew 34615
    /// while an outgoing connection held it.
    static func boundPort(of coordinator: Running, host: String, timeout: Double = 20) throws -> Int {
        var port: Int?
        _ = waitUntil(timeout: timeout) {
            let log = (try? String(contentsOfFile: coordinator.stderrPath, encoding: .utf8)) ?? ""
            guard let range = log.range(of: "listening on tcp://\(host):") else { return false }
            port = Int(log[range.upperBound...].prefix { $0.isNumber })
            return port != nil
        }
        if let port { return port }
        coordinator.signal(SIGKILL)
        let said = coordinator.wait(timeout: 5).stderr
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the coordinator did not say where it listens: \(said)"])
    }

    static func temporaryDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tf-it-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Polls `condition` every 20 ms for up to `timeout` seconds.
    static func waitUntil(timeout: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline {
            if try condition() { return true }
            usleep(20_000)
        }
        return false
    }

    /// The peak resident memory of a live process, in bytes (VmHWM).
    static func peakMemory(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.filter(\.isNumber)
            return Int(digits).map { $0 * 1024 }
        }
        return nil
    }
}
