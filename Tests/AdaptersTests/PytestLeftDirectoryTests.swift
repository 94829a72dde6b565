import Foundation
import Model
import Testing
@testable import Adapters

/// A test whose body changes the working directory and never changes back does not move the
/// tests its process runs after it: which tests those are depends on the grants, where in a
/// plain run it is the same chain every time (isort 5.13.2's `test_isort_with_stdin` failed in
/// a first build behind a test that left its process in a directory holding a package `z`).
/// A fixture's change of directory, undone by its own teardown, lasts as long as the fixture.
@Suite(.serialized) struct PytestLeftDirectoryTests {
    static let tests = [
        "tests/test_leaves.py::test_leaves_for_a_directory_with_z",
        "tests/test_leaves.py::test_monkeypatched_away",
        "tests/test_module_dir.py::test_first_in_the_fixtures_directory",
        "tests/test_module_dir.py::test_second_in_the_fixtures_directory",
        "tests/test_sees_start.py::test_works_where_the_session_started",
    ]
    let scratch: TemporaryDirectory
    let project: TemporaryDirectory

    init() throws {
        scratch = try TemporaryDirectory()
        project = try TemporaryDirectory()
        let tests = project.path + "/tests"
        try FileManager.default.createDirectory(atPath: tests, withIntermediateDirectories: true)
        try """
        import os


        def test_leaves_for_a_directory_with_z(tmp_path):
            (tmp_path / "z").mkdir()
            os.chdir(tmp_path)  # and never back, like py.path's tmpdir.chdir()
            assert os.path.isdir("z")


        def test_monkeypatched_away(monkeypatch, tmp_path):
            monkeypatch.chdir(tmp_path)
            assert not os.path.exists("tests")
        """.write(toFile: tests + "/test_leaves.py", atomically: true, encoding: .utf8)
        try """
        import os

        import pytest


        @pytest.fixture(scope="module", autouse=True)
        def in_its_own_directory(tmp_path_factory):
            here = os.getcwd()
            os.chdir(tmp_path_factory.mktemp("module"))
            open("marker", "w").close()
            yield
            os.chdir(here)


        def test_first_in_the_fixtures_directory():
            assert os.path.exists("marker")


        def test_second_in_the_fixtures_directory():
            assert os.path.exists("marker")
        """.write(toFile: tests + "/test_module_dir.py", atomically: true, encoding: .utf8)
        try """
        import os


        def test_works_where_the_session_started():
            assert not os.path.exists("z"), "works in %s, where an earlier test left it" % os.getcwd()
            assert os.path.isdir("tests"), "works in %s" % os.getcwd()
        """.write(toFile: tests + "/test_sees_start.py", atomically: true, encoding: .utf8)
    }

    var suite: SuiteDefinition {
        SuiteDefinition(name: "left", adapter: .pytest, directory: project.path, command: "python3 -m pytest",
                        timeout: 60, environment: PytestWarmTests.environment)
    }

    func failures(_ results: [String: AdapterResult]) -> [String] {
        Self.tests.compactMap { test in
            guard let result = results[test] else { return "\(test): no result" }
            guard result.outcome != .passed else { return nil }
            return "\(test): \(result.outcome) " + String(decoding: result.output, as: UTF8.self).suffix(1500)
        }
    }

    @Test func aWarmSessionReturnsWhereATestBodyLeft() throws {
        let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { _ in }
        defer { sessions.shutdown() }
        var results: [String: AdapterResult] = [:]
        PytestAdapter(cacheRoot: scratch.path).runWarm(Self.tests, of: suite, key: "k", sessions: sessions) { results[$0.name] = $0 }
        #expect(failures(results) == [])
    }

    @Test func aColdRunReturnsWhereATestBodyLeft() throws {
        var results: [String: AdapterResult] = [:]
        PytestAdapter(cacheRoot: scratch.path).run(Self.tests, of: suite, attempt: 1) { results[$0.name] = $0 }
        #expect(failures(results) == [])
    }
}
