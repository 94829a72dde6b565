import Foundation
import Model
import Testing
@testable import Adapters

/// A cold pytest run over some node ids of a suite whose command names its test directory
/// (`python3 -m pytest tests`) runs those ids only, as a warm session does: appended alone, the
/// ids would run beside the whole directory.
@Suite(.serialized) struct PytestNarrowingTests {
    /// A project whose `test_b` leaves a file behind when it runs.
    func project() throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.path + "/tests", withIntermediateDirectories: true)
        try """
        import pathlib

        def test_a():
            pass

        def test_b():
            pathlib.Path(__file__).parent.parent.joinpath("b-ran").write_text("yes")
            assert False
        """.write(toFile: dir.path + "/tests/test_m.py", atomically: true, encoding: .utf8)
        return dir
    }

    func run(_ ids: [String], in dir: TemporaryDirectory, command: String) -> [String: AdapterResult] {
        let suite = SuiteDefinition(name: "narrow", adapter: .pytest, directory: dir.path, command: command, timeout: 60,
                                    environment: ["PYTHONDONTWRITEBYTECODE": "1", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"])
        var results: [String: AdapterResult] = [:]
        PytestAdapter(cacheRoot: dir.path + "/cache").run(ids, of: suite, attempt: 1) { results[$0.name] = $0 }
        return results
    }

    @Test func theGrantedIdsReplaceTheCommandsTestDirectory() throws {
        let dir = try project()
        let results = run(["tests/test_m.py::test_a"], in: dir, command: "python3 -m pytest tests")
        #expect(results.count == 1)
        #expect(results["tests/test_m.py::test_a"]?.outcome == .passed)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/b-ran"), "test_b ran in a batch that did not name it")
        // The test it replaces still runs when granted, with its outcome.
        let b = run(["tests/test_m.py::test_b"], in: dir, command: "python3 -m pytest tests")
        #expect(b["tests/test_m.py::test_b"]?.outcome == .failed)
        #expect(FileManager.default.fileExists(atPath: dir.path + "/b-ran"))
    }

    @Test func anIdPytestCannotFindIsStillAnErrorOfItsOwn() throws {
        let dir = try project()
        let results = run(["tests/test_m.py::test_a", "tests/test_m.py::test_gone"], in: dir, command: "python3 -m pytest tests")
        #expect(results["tests/test_m.py::test_a"]?.outcome == .passed)
        #expect(results["tests/test_m.py::test_gone"]?.outcome == .error)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/b-ran"))
    }

    /// A command that assigns `PYTHONPATH` first still reaches the plugin: the directory is
    /// appended to its assignment.
    @Test func aCommandThatAssignsItsOwnPythonPathStillNarrows() throws {
        let dir = try project()
        let results = run(["tests/test_m.py::test_a"], in: dir, command: "env PYTHONPATH=/nonexistent python3 -m pytest tests")
        #expect(results.count == 1)
        #expect(results["tests/test_m.py::test_a"]?.outcome == .passed)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/b-ran"), "test_b ran in a batch that did not name it")
    }

    /// A command that hides the plugin in a way testfleet does not rewrite (`export` first): the
    /// batch runs without it, as before (the granted ids' results are right; on this pytest the
    /// rest of the directory runs too).
    @Test func aCommandThatHidesThePluginStillGetsItsResults() throws {
        let dir = try project()
        let results = run(["tests/test_m.py::test_a"], in: dir,
                          command: "export PYTHONPATH=/nonexistent; python3 -m pytest tests")
        #expect(results.count == 1)
        #expect(results["tests/test_m.py::test_a"]?.outcome == .passed)
    }
}
