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

    /// A project whose `conftest.py` makes per-backend classes in `pytest_collection_modifyitems`,
    /// as SQLAlchemy's plugin does for alembic's and SQLAlchemy's suites: pytest refuses their
    /// ids as arguments, since they exist only once collection ended.
    func projectWithLateItems() throws -> TemporaryDirectory {
        let dir = try project()
        try """
        import pytest


        def pytest_collection_modifyitems(session, config, items):
            rebuilt, done = [], set()
            for item in items:
                cls = item.getparent(pytest.Class)
                if cls is None or not getattr(cls.obj, "__backend__", False):
                    rebuilt.append(item)
                elif cls.name not in done:
                    done.add(cls.name)
                    made = type(cls.name + "_sqlite", (cls.obj,), {"__backend__": False})
                    setattr(cls.parent.obj, made.__name__, made)
                    rebuilt.extend(pytest.Class.from_parent(cls.parent, name=made.__name__).collect())
            items[:] = rebuilt
        """.write(toFile: dir.path + "/conftest.py", atomically: true, encoding: .utf8)
        try """
        class TestStore:
            __backend__ = True

            def test_one(self):
                pass

            def test_two(self):
                pass

            def test_three(self):
                assert False, "three fails"


        def test_plain():
            pass
        """.write(toFile: dir.path + "/tests/test_store.py", atomically: true, encoding: .utf8)
        return dir
    }

    @Test func idsAPluginMakesAtCollectionsEndRunWithinTheirFiles() throws {
        let dir = try projectWithLateItems()
        let ids = ["tests/test_store.py::TestStore_sqlite::test_one", "tests/test_store.py::TestStore_sqlite::test_three",
                   "tests/test_store.py::test_plain", "tests/test_m.py::test_a", "tests/test_store.py::TestStore_sqlite::test_gone"]
        // The suite's directory and command are this test's own: the first batch finds out.
        for round in 1...2 {
            let results = run(ids, in: dir, command: "python3 -m pytest tests")
            #expect(results.count == ids.count, "round \(round)")
            #expect(results[ids[0]]?.outcome == .passed, "round \(round)")
            #expect(results[ids[1]]?.outcome == .failed, "round \(round)")
            #expect(results[ids[1]].map { String(decoding: $0.output, as: UTF8.self).contains("three fails") } == true)
            #expect(results[ids[2]]?.outcome == .passed, "round \(round)")
            #expect(results[ids[3]]?.outcome == .passed, "round \(round)")
            #expect(results[ids[4]]?.outcome == .error, "round \(round)")
            #expect(results[ids[4]].map { String(decoding: $0.output, as: UTF8.self).contains("made no test with this node id") } == true)
            // The files' other tests are not run: test_b leaves a file when it does.
            #expect(!FileManager.default.fileExists(atPath: dir.path + "/b-ran"), "round \(round)")
        }
        #expect(PytestAdapter.runsWithinFiles(SuiteDefinition(
            name: "narrow", adapter: .pytest, directory: dir.path, command: "python3 -m pytest tests", timeout: 60)))
    }
}
