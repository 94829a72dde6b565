import Foundation

/// A real git repository in a temporary directory, built commit by commit by a test (shared by
/// the impact tests and the integration tests, which both need real history).
public final class GitFixture {
    /// A git command that exited non-zero.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let root: String

    /// A fresh repository on branch `main` under a new temporary directory, or at `root`.
    public init(root: String? = nil) throws {
        self.root = root ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("testfleet-git-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: self.root, withIntermediateDirectories: true)
        try git("init", "-q", "-b", "main")
        try git("config", "user.email", "fixture@testfleet.invalid")
        try git("config", "user.name", "Fixture")
        try git("config", "commit.gpgsign", "false")
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Writes files (creating directories) relative to the root.
    public func write(_ files: [String: String]) throws {
        for (path, text) in files {
            let url = URL(fileURLWithPath: root).appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    /// Stages everything and commits; returns the new commit id.
    @discardableResult
    public func commit(_ message: String) throws -> String {
        try git("add", "-A")
        try git("commit", "-q", "-m", message)
        return try git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs git in the repository and returns its standard output.
    @discardableResult
    public func git(_ arguments: String...) throws -> String { try git(arguments) }

    @discardableResult
    public func git(_ arguments: [String]) throws -> String { try Self.git(arguments, in: root) }

    /// Runs git in any directory (a clone the test made) and returns its standard output.
    @discardableResult
    public static func git(_ arguments: [String], in directory: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "git \(arguments.joined(separator: " ")) failed (exit \(process.terminationStatus))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
