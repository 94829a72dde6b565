import Foundation
import Testing

/// A real git repository in a temporary directory, built commit by commit by a test.
final class FixtureRepository {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("testfleet-impact-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try git("init", "-q", "-b", "main")
        try git("config", "user.email", "fixture@testfleet.invalid")
        try git("config", "user.name", "Fixture")
        try git("config", "commit.gpgsign", "false")
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Writes files (creating directories) relative to the root.
    func write(_ files: [String: String]) throws {
        for (path, text) in files {
            let url = URL(fileURLWithPath: root).appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    /// Stages everything and commits; returns the new commit id.
    @discardableResult
    func commit(_ message: String) throws -> String {
        try git("add", "-A")
        try git("commit", "-q", "-m", message)
        return try git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs git in the repository and returns its standard output; a failure fails the test.
    @discardableResult
    func git(_ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "git \(arguments.joined(separator: " ")) failed")
        return String(decoding: data, as: UTF8.self)
    }

    /// A small Python project: a package `app` with a chain util ← core ← api, and tests.
    static func pythonProject() throws -> FixtureRepository {
        let repository = try FixtureRepository()
        try repository.write([
            "README.md": "fixture\n",
            "requirements.txt": "pytest\n",
            "app/__init__.py": "",
            "app/util.py": "def double(x):\n    return 2 * x\n",
            "app/core.py": "from app.util import double\n\ndef quad(x):\n    return double(double(x))\n",
            "app/api.py": "from . import core\n\ndef handle(x):\n    return core.quad(x)\n",
            "app/legacy.py": "OLD = 1\n",
            "tests/test_util.py": "from app.util import double\n\ndef test_double():\n    assert double(2) == 4\n",
            "tests/test_core.py": "import app.core\n\ndef test_quad():\n    assert app.core.quad(1) == 4\n",
            "tests/test_api.py": "from app import api\n\ndef test_handle():\n    assert api.handle(1) == 4\n",
            "tests/test_legacy.py": "def test_legacy():\n    from app.legacy import OLD\n    assert OLD == 1\n",
            "tests/test_plain.py": "import json\n\ndef test_json():\n    assert json.loads('1') == 1\n",
        ])
        try repository.commit("initial project")
        return repository
    }
}
