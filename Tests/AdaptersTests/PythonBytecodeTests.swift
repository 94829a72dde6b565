import Foundation
import Model
import Testing
@testable import Adapters

/// Bytecode under PYTHONDONTWRITEBYTECODE: the rule (pure), then real warm sessions that keep
/// pytest's rewritten modules and the project's compiled ones in the cache, and a second
/// session that reuses them.
struct PythonBytecodeTests {
    @Test func rewrittenModulesAreCachedOnlyWhereBytecodeMayNotBeWrittenBesideTheSources() {
        let cache = "/var/cache/tf"
        #expect(PythonBytecode.rewriteCache(suite: [:], inherited: ["PYTHONDONTWRITEBYTECODE": "1"], cacheRoot: cache)
                == "/var/cache/tf/python-bytecode")
        #expect(PythonBytecode.rewriteCache(suite: ["PYTHONDONTWRITEBYTECODE": "1"], inherited: [:], cacheRoot: cache) != nil)
        // pytest caches them beside the sources itself: nothing to do.
        #expect(PythonBytecode.rewriteCache(suite: [:], inherited: ["PATH": "/usr/bin"], cacheRoot: cache) == nil)
        #expect(PythonBytecode.rewriteCache(suite: [:], inherited: ["PYTHONDONTWRITEBYTECODE": ""], cacheRoot: cache) == nil)
        // The suite's env is what the process gets.
        #expect(PythonBytecode.rewriteCache(suite: ["PYTHONDONTWRITEBYTECODE": ""], inherited: ["PYTHONDONTWRITEBYTECODE": "1"],
                                            cacheRoot: cache) == nil)
        #expect(PythonBytecode.mirror(of: "/var/cache/tf/trees/abc", under: cache) == "/var/cache/tf/python-bytecode/var/cache/tf/trees/abc")
    }

    /// Sets `path`'s modification time a minute back.
    func backdate(_ path: String) throws {
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: path)
    }

    @Test func warmSessionsKeepBytecodeInTheCacheAndTheNextSessionReusesIt() throws {
        let project = try TemporaryDirectory()
        let cache = try TemporaryDirectory()
        try "import helper\nfrom vendor import shipped\n\ndef test_uses_helper():\n    assert helper.VALUE == 3 == shipped.VALUE\n"
            .write(toFile: project.path + "/test_bytecode.py", atomically: true, encoding: .utf8)
        try "VALUE = 3\n".write(toFile: project.path + "/helper.py", atomically: true, encoding: .utf8)
        // A module that ships its bytecode beside it, as installed packages do.
        try FileManager.default.createDirectory(atPath: project.path + "/vendor", withIntermediateDirectories: true)
        try "VALUE = 3\n".write(toFile: project.path + "/vendor/shipped.py", atomically: true, encoding: .utf8)
        try backdate(project.path + "/vendor/shipped.py")  // as installed, before it was compiled
        let compile = Process()
        compile.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        compile.arguments = ["python3", "-m", "py_compile", project.path + "/vendor/shipped.py"]
        try compile.run()
        compile.waitUntilExit()
        #expect(compile.terminationStatus == 0)
        try "import pytest\n".write(toFile: project.path + "/conftest.py", atomically: true, encoding: .utf8)
        // A project's files were written long before its tests run (one written in the last
        // seconds is compiled, not cached: see the next test).
        for file in ["test_bytecode.py", "helper.py", "conftest.py"] { try backdate(project.path + "/" + file) }
        let suite = SuiteDefinition(name: "bytecode", adapter: .pytest, directory: project.path,
                                    environment: ["PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONDONTWRITEBYTECODE": "1"])
        let mirror = PythonBytecode.mirror(of: URL(fileURLWithPath: project.path).resolvingSymlinksInPath().path, under: cache.path)
        let test = "test_bytecode.py::test_uses_helper"
        var written: [String: Date] = [:]
        for session in 1...2 {
            let sessions = PytestWarmSessions(cacheDirectory: cache.path) { _ in }
            defer { sessions.shutdown() }
            var outcome: Outcome?
            PytestAdapter(cacheRoot: cache.path).runWarm([test], of: suite, key: "k", sessions: sessions) { outcome = $0.outcome }
            #expect(outcome == .passed, "session \(session)")
            let files = (try? FileManager.default.contentsOfDirectory(atPath: mirror)) ?? []
            let rewritten = files.filter { $0.contains("pytest") && $0.hasSuffix(".pyc") }.sorted()
            #expect(rewritten.count == 2 && rewritten.contains { $0.hasPrefix("test_bytecode.") }
                    && rewritten.contains { $0.hasPrefix("conftest.") }, "the conftest and the test module: \(files)")
            #expect(files.contains { $0.hasPrefix("helper.") && $0.hasSuffix(".pyc") }, "the project's module compiled once: \(files)")
            let vendored = (try? FileManager.default.contentsOfDirectory(atPath: mirror + "/vendor")) ?? []
            #expect(!vendored.contains { $0.hasPrefix("shipped.") }, "bytecode beside its source is read from there: \(vendored)")
            let cached = files.filter { $0.hasSuffix(".pyc") }
            let dates = Dictionary(uniqueKeysWithValues: cached.map {
                ($0, (try? FileManager.default.attributesOfItem(atPath: mirror + "/" + $0)[.modificationDate] as? Date) ?? .distantPast)
            })
            if session == 2 { #expect(dates == written, "the second session read them and wrote nothing") }
            written = dates
        }
        #expect(!FileManager.default.fileExists(atPath: project.path + "/__pycache__"), "the source tree stays clean")
    }

    /// Bytecode records its source's modification time in whole seconds: a module written again
    /// within one second, at the same size, must not load the bytecode of what it held before,
    /// which a plain run under PYTHONDONTWRITEBYTECODE never does (it compiles every time).
    /// alembic's tests write and import revision files under one path class after class.
    @Test func aModuleWrittenAgainWithinItsSecondIsCompiledAgain() throws {
        let project = try TemporaryDirectory()
        let cache = try TemporaryDirectory()
        try """
            import importlib.util
            import os
            import time


            def load(path):
                spec = importlib.util.spec_from_file_location("generated", path)
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
                return module


            def test_module_written_twice_in_one_second():
                os.makedirs("generated", exist_ok=True)
                path = os.path.abspath("generated/revision.py")
                now = int(time.time())
                for value in (1, 2):
                    with open(path, "w") as f:
                        f.write("VALUE = %d\\n" % value)
                    os.utime(path, (now, now))
                    assert load(path).VALUE == value

            """.write(toFile: project.path + "/test_generated.py", atomically: true, encoding: .utf8)
        let suite = SuiteDefinition(name: "generated", adapter: .pytest, directory: project.path,
                                    environment: ["PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONDONTWRITEBYTECODE": "1"])
        let sessions = PytestWarmSessions(cacheDirectory: cache.path) { _ in }
        defer { sessions.shutdown() }
        var result: AdapterResult?
        PytestAdapter(cacheRoot: cache.path).runWarm(["test_generated.py::test_module_written_twice_in_one_second"],
                                                     of: suite, key: "k", sessions: sessions) { result = $0 }
        #expect(result?.outcome == .passed, "\(String(decoding: result?.output ?? [], as: UTF8.self).suffix(1500))")
    }
    /// What the cache changes stays out of sight of the tests: pytest's own suite asks
    /// `get_cache_dir` where a plain run puts a module's rewritten bytecode, and sets
    /// `sys.pycache_prefix` to check that bytecode goes there (pytest 8.3.3's TestPyCacheDir
    /// failed five tests a plain run passes).
    @Test func aTestSeesTheBytecodeLayoutAPlainRunHas() throws {
        let project = try TemporaryDirectory()
        let cache = try TemporaryDirectory()
        try """
            import importlib
            import importlib.util
            import pathlib
            import sys

            from _pytest.assertion.rewrite import get_cache_dir


            def test_pytests_layout(monkeypatch):
                monkeypatch.setattr(sys, "pycache_prefix", None)
                source = pathlib.Path("/home/projects/src/foo.py")
                assert get_cache_dir(source) == pathlib.Path("/home/projects/src/__pycache__")


            def test_a_prefix_the_test_sets(monkeypatch, tmp_path):
                prefix = tmp_path / "pycs"
                monkeypatch.setattr(sys, "pycache_prefix", str(prefix))
                monkeypatch.setattr(sys, "dont_write_bytecode", False)
                (tmp_path / "fresh_module.py").write_text("VALUE = 1\\n")
                monkeypatch.syspath_prepend(str(tmp_path))
                assert importlib.import_module("fresh_module").VALUE == 1
                compiled = pathlib.Path(importlib.util.cache_from_source(str(tmp_path / "fresh_module.py")))
                assert compiled.is_relative_to(prefix) and compiled.is_file()

            """.write(toFile: project.path + "/test_layout.py", atomically: true, encoding: .utf8)
        try backdate(project.path + "/test_layout.py")
        let suite = SuiteDefinition(name: "layout", adapter: .pytest, directory: project.path,
                                    environment: ["PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONDONTWRITEBYTECODE": "1"])
        let sessions = PytestWarmSessions(cacheDirectory: cache.path) { _ in }
        defer { sessions.shutdown() }
        var results: [String: AdapterResult] = [:]
        let tests = ["test_layout.py::test_pytests_layout", "test_layout.py::test_a_prefix_the_test_sets"]
        PytestAdapter(cacheRoot: cache.path).runWarm(tests, of: suite, key: "k", sessions: sessions) { results[$0.name] = $0 }
        for test in tests {
            #expect(results[test]?.outcome == .passed, "\(test): \(String(decoding: results[test]?.output ?? [], as: UTF8.self).suffix(1500))")
        }
    }
}
