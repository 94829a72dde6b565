import Foundation
import Model
import Testing
@testable import Adapters

/// Where pytest processes keep compiled bytecode: the rule (pure), then a real pytest run under
/// an environment that forbids bytecode beside the sources.
struct PythonBytecodeTests {
    @Test func bytecodeMovesToTheCacheOnlyWhenTheInheritedEnvironmentForbidsItAndNothingElseDecides() {
        let cache = "/var/cache/tf"
        let forbidding = ["PYTHONDONTWRITEBYTECODE": "1", "PATH": "/usr/bin"]
        #expect(PythonBytecode.environment(suite: [:], inherited: forbidding, cacheRoot: cache)
                == ["PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": "/var/cache/tf/python-bytecode"])
        // Python writes __pycache__ beside the sources as usual: nothing to change.
        #expect(PythonBytecode.environment(suite: [:], inherited: ["PATH": "/usr/bin"], cacheRoot: cache).isEmpty)
        #expect(PythonBytecode.environment(suite: [:], inherited: ["PYTHONDONTWRITEBYTECODE": ""], cacheRoot: cache).isEmpty)
        // The suite's own env, or a prefix the machine chose, decides.
        #expect(PythonBytecode.environment(suite: ["PYTHONDONTWRITEBYTECODE": "1"], inherited: forbidding, cacheRoot: cache).isEmpty)
        #expect(PythonBytecode.environment(suite: ["PYTHONPYCACHEPREFIX": "/p"], inherited: forbidding, cacheRoot: cache).isEmpty)
        #expect(PythonBytecode.environment(
            suite: [:], inherited: forbidding.merging(["PYTHONPYCACHEPREFIX": "/p"]) { a, _ in a }, cacheRoot: cache).isEmpty)
        #expect(PythonBytecode.mirror(of: "/var/cache/tf/trees/abc", under: cache) == "/var/cache/tf/python-bytecode/var/cache/tf/trees/abc")
    }

    @Test func aRunUnderDontWriteBytecodeKeepsTheTreeCleanAndItsBytecodeInTheCache() throws {
        let project = try TemporaryDirectory()
        let cache = try TemporaryDirectory()
        try "import helper\n\ndef test_uses_helper():\n    assert helper.VALUE == 3\n"
            .write(toFile: project.path + "/test_bytecode.py", atomically: true, encoding: .utf8)
        try "VALUE = 3\n".write(toFile: project.path + "/helper.py", atomically: true, encoding: .utf8)
        var adapter = PytestAdapter(cacheRoot: cache.path)
        adapter.inheritedEnvironment["PYTHONDONTWRITEBYTECODE"] = "1"
        adapter.inheritedEnvironment["PYTHONPYCACHEPREFIX"] = nil
        let suite = SuiteDefinition(name: "bytecode", adapter: .pytest, directory: project.path,
                                    environment: ["PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"])
        var outcome: Outcome?
        adapter.run(["test_bytecode.py::test_uses_helper"], of: suite, attempt: 1) { outcome = $0.outcome }
        #expect(outcome == .passed)
        #expect(!FileManager.default.fileExists(atPath: project.path + "/__pycache__"), "the source tree stays clean")
        let mirror = PythonBytecode.mirror(of: URL(fileURLWithPath: project.path).resolvingSymlinksInPath().path, under: cache.path)
        let compiled = (try? FileManager.default.contentsOfDirectory(atPath: mirror)) ?? []
        #expect(compiled.contains { $0.hasPrefix("helper.") && $0.hasSuffix(".pyc") }, "the imported module: \(compiled)")
        #expect(compiled.contains { $0.hasPrefix("test_bytecode.") && $0.contains("pytest") }, "the rewritten test module: \(compiled)")
    }
}
