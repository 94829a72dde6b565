import Foundation
import Model
import Testing
@testable import Adapters

/// A process working in a mirror of the suite's directory (a local run's second worker, a
/// retry) enters it before the project's conftests import anything: a module that keeps the
/// working directory it was imported in then agrees with its tests. paramiko's test SFTP server
/// serves `ROOT = os.getcwd()`, taken when its conftest imports it; entered later, the mirror's
/// tests made their folder in the mirror and the server looked for it in the suite's directory
/// (28 SFTP tests failed there that pass in a plain run).
@Suite(.serialized) struct PytestWorkDirectoryTests {
    static let test = "tests/test_served.py::test_a_file_made_here_is_served"
    let scratch: TemporaryDirectory
    let project: TemporaryDirectory

    init() throws {
        scratch = try TemporaryDirectory()
        project = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: project.path + "/tests", withIntermediateDirectories: true)
        try """
        import os

        import pytest

        # Like paramiko's test SFTP server: it serves the directory it was imported in.
        ROOT = os.getcwd()


        @pytest.fixture
        def served():
            return lambda name: os.path.join(ROOT, name)
        """.write(toFile: project.path + "/tests/conftest.py", atomically: true, encoding: .utf8)
        try """
        import os


        def test_a_file_made_here_is_served(served):
            expected = os.environ.get("EXPECTED_WORK_DIR")
            if expected:
                assert os.path.realpath(os.getcwd()) == os.path.realpath(expected)
            avoided = os.environ.get("AVOIDED_WORK_DIR")
            if avoided:
                assert os.path.realpath(os.getcwd()) != os.path.realpath(avoided)
            name = "served-%d.txt" % os.getpid()
            with open(name, "w") as made:
                made.write("x")
            try:
                assert os.path.exists(served(name)), "made in %s, served from %s" % (os.getcwd(), served(""))
            finally:
                os.remove(name)
        """.write(toFile: project.path + "/tests/test_served.py", atomically: true, encoding: .utf8)
    }

    /// The suite, working in a copy of the project when `inCopy` (the copy's path returned too).
    func suite(inCopy: Bool) throws -> (SuiteDefinition, String?) {
        var environment = PytestWarmTests.environment
        var copy: String?
        if inCopy {
            let path = scratch.path + "/copy"
            try FileManager.default.copyItem(atPath: project.path, toPath: path)
            environment[PytestAdapter.workDirectoryVariable] = path
            environment["EXPECTED_WORK_DIR"] = path
            copy = path
        }
        return (SuiteDefinition(name: "served", adapter: .pytest, directory: project.path, command: "python3 -m pytest",
                                timeout: 60, environment: environment), copy)
    }

    func outcome(_ results: [String: AdapterResult]) -> String {
        results[Self.test].map { "\($0.outcome): " + String(decoding: $0.output, as: UTF8.self).suffix(2000) } ?? "no result"
    }

    @Test func aWarmSessionImportsInItsWorkDirectory() throws {
        let (suite, _) = try suite(inCopy: true)
        let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { _ in }
        defer { sessions.shutdown() }
        var results: [String: AdapterResult] = [:]
        PytestAdapter(cacheRoot: scratch.path).runWarm([Self.test], of: suite, key: "k", sessions: sessions) { results[$0.name] = $0 }
        #expect(results[Self.test]?.outcome == .passed, "\(outcome(results))")
    }

    @Test func aColdRunImportsInItsWorkDirectory() throws {
        let (suite, _) = try suite(inCopy: true)
        var results: [String: AdapterResult] = [:]
        PytestAdapter(cacheRoot: scratch.path).run([Self.test], of: suite, attempt: 2) { results[$0.name] = $0 }
        #expect(results[Self.test]?.outcome == .passed, "\(outcome(results))")
    }

    /// pytest applies `--ignore` against the working directory when it collects: a session in
    /// its mirror ignores what a plain run in the suite's directory ignores (traitlets 5.14.3's
    /// addopts `--ignore=examples/docs/configs`: the second worker's share listed those files
    /// too, and the run could not merge the shares' listings).
    @Test func aSessionInItsWorkDirectoryIgnoresWhatAPlainRunIgnores() throws {
        try FileManager.default.createDirectory(atPath: project.path + "/tests/ignored", withIntermediateDirectories: true)
        try "def test_never():\n    assert False\n".write(toFile: project.path + "/tests/ignored/test_never.py", atomically: true, encoding: .utf8)
        try "[pytest]\naddopts = --ignore=tests/ignored --ignore-glob=tests/*/test_never*.py\n"
            .write(toFile: project.path + "/pytest.ini", atomically: true, encoding: .utf8)
        for glob in [false, true] {
            if glob {  // the glob alone
                try "[pytest]\naddopts = --ignore-glob=tests/*/test_never*.py\n".write(toFile: project.path + "/pytest.ini", atomically: true, encoding: .utf8)
                try? FileManager.default.removeItem(atPath: scratch.path + "/copy")
            }
            let (suite, _) = try suite(inCopy: true)
            let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { _ in }
            defer { sessions.shutdown() }
            let listing = scratch.path + "/listing-\(glob).json"
            #expect(PytestAdapter(cacheRoot: scratch.path).prewarm(suite, key: "k", sessions: sessions, servers: nil, listing: listing))
            let listed = try JSONDecoder().decode([String].self, from: Data(contentsOf: URL(fileURLWithPath: listing)))
            #expect(listed == [Self.test], "glob \(glob): \(listed)")
        }
    }

    /// A fork server imports in the mirror its children work in.
    @Test func aForkServersChildWorksWhereItsServerImported() throws {
        var (suite, _) = try suite(inCopy: false)
        suite.environment["AVOIDED_WORK_DIR"] = project.path
        let servers = PytestForkServers(cacheDirectory: scratch.path) { _ in }
        defer { servers.shutdown() }
        var results: [String: AdapterResult] = [:]
        PytestAdapter(cacheRoot: scratch.path).runForked([Self.test], of: suite, attempt: 2, key: "k", servers: servers) {
            results[$0.name] = $0
        }
        #expect(results[Self.test]?.outcome == .passed, "\(outcome(results))")
    }

    /// A session's twin would hand its children the session's directory in `ROOT` while they
    /// work in a mirror: the session forks none, and a fork server of the worker's own, which
    /// imports in the mirror, runs the retry. A project that keeps no working directory keeps
    /// its twin (`PytestForkServerTests`).
    @Test func aSessionWhoseProjectKeepsItsDirectoryForksNoTwin() throws {
        let (suite, _) = try suite(inCopy: false)
        var retried = suite
        retried.environment["AVOIDED_WORK_DIR"] = project.path
        let log = LogLines()
        let servers = PytestForkServers(cacheDirectory: scratch.path) { log.append($0) }
        defer { servers.shutdown() }
        let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { log.append($0) }
        defer { sessions.shutdown() }
        let adapter = PytestAdapter(cacheRoot: scratch.path)
        var first: [String: AdapterResult] = [:]
        adapter.runWarm([Self.test], of: suite, key: "k", sessions: sessions, servers: servers) { first[$0.name] = $0 }
        #expect(first[Self.test]?.outcome == .passed, "\(outcome(first))")
        // As after a failed first attempt: the server of its own starts now.
        adapter.prestartForkServer(for: retried, key: "k", servers: servers)
        var retry: [String: AdapterResult] = [:]
        adapter.runForked([Self.test], of: retried, attempt: 2, key: "k", servers: servers) { retry[$0.name] = $0 }
        #expect(retry[Self.test]?.outcome == .passed, "\(outcome(retry)) \(log.lines)")
        #expect(log.lines.contains { $0.contains("tests/conftest.py") && $0.contains("keeps the working directory") && $0.hasSuffix("; starting one") },
                "the prestart replaced the twin: \(log.lines)")
    }
}
