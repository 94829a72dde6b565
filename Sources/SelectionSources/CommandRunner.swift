import Dispatch
public import Foundation
public import Model

/// Runs a short-lived helper program (git, swift) to completion and collects its output. Both
/// pipes are drained concurrently so a chatty stderr cannot block a large stdout.
public enum CommandRunner {
    /// How the helper ended and what it wrote.
    public struct Output: Sendable {
        public var status: Int32
        public var standardOutput: Data
        public var standardError: String
    }

    /// Runs `arguments[0]` found on `PATH`, in `directory`, feeding `input` to its stdin.
    public static func run(_ arguments: [String], in directory: String, input: Data? = nil) throws(TestfleetError) -> Output {
        // A helper that exits before reading all its input must not kill us with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        // Started directly when found on PATH (a selection starts about eight gits: going through
        // env doubles the exec work), else through env, which reports what is missing.
        if let executable = arguments.first.flatMap(Self.executable(named:)) {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = Array(arguments.dropFirst())
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
        }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        let inputPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        process.standardInput = input == nil ? FileHandle.nullDevice : inputPipe
        do {
            try process.run()
        } catch {
            throw TestfleetError.badInput("cannot start '\(arguments.joined(separator: " "))' in \(directory): \(error)")
        }
        let group = DispatchGroup()
        let errorBox = DataBox()
        DispatchQueue.global().async(group: group) {
            errorBox.data = errorPipe.fileHandleForReading.readDataToEndOfFile()
        }
        if let input {
            let writer = inputPipe.fileHandleForWriting
            DispatchQueue.global().async(group: group) {
                // A reader that exits early makes this fail; its exit status tells the story.
                try? writer.write(contentsOf: input)
                try? writer.close()
            }
        }
        let output = outputPipe.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, standardOutput: output,
            standardError: String(decoding: errorBox.data, as: UTF8.self))
    }
}

extension CommandRunner {
    /// The first executable file called `name` in a directory of `PATH`, nil when there is none
    /// (or `name` has a slash: env handles that as given).
    static func executable(named name: String) -> String? {
        guard !name.isEmpty, !name.contains("/") else { return nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return String(candidate) }
        }
        return nil
    }
}

/// Data handed from one background reader back to the caller, which reads it only after
/// waiting for the reader's group.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}
