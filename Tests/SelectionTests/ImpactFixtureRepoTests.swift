import Adapters
import Foundation
import SelectionSources
import Model
import Config
import Selection
import Testing

/// Impact selection end to end on real git repositories made in the test.
@Suite struct ImpactFixtureRepoTests {
    private func suite(_ repository: FixtureRepository) -> SuiteDefinition {
        SuiteDefinition(name: "unit", adapter: .pytest, directory: repository.root)
    }

    private func select(
        _ repository: FixtureRepository, base: String = "main", head: String, rules: ImpactRules = ImpactRules()
    ) throws -> ImpactReport {
        try ImpactAnalysis.select(in: repository.root, base: base, head: head, suites: [suite(repository)], rules: rules, providers: AdapterRegistry.impactProvider(for:))
    }

    private func selectedTests(_ report: ImpactReport) -> [String] {
        report.selection.selected.compactMap(\.test)
    }

    @Test func oneFileChangeSelectsExactlyItsImporters() throws {
        let repository = try FixtureRepository.pythonProject()
        try repository.git("checkout", "-q", "-b", "feature")
        try repository.write(["app/core.py": "from app.util import double\n\ndef quad(x):\n    return double(x) * 2\n"])
        try repository.commit("change core")
        let report = try select(repository, head: "feature")
        #expect(report.changes == [ChangedPath(status: .modified, path: "app/core.py")])
        #expect(selectedTests(report) == ["tests/test_api.py", "tests/test_core.py"])
        #expect(!report.selection.runsEverything)
        let apiChain = try #require(report.selection.selected.first { $0.test == "tests/test_api.py" }).reasons[0]
        #expect(apiChain.first == "app/core.py (modified)")
        #expect(apiChain.contains { $0.hasPrefix("app.api imports app.core") })
        #expect(report.selection.skipped.map(\.test) == ["tests/test_legacy.py", "tests/test_plain.py", "tests/test_util.py"])
        #expect(report.jsonText.contains(#""counts": {"selected": 2, "skipped": 3}"#))
    }

    @Test func unknownPathRunsEverythingUnlessARuleClaimsIt() throws {
        let repository = try FixtureRepository.pythonProject()
        try repository.git("checkout", "-q", "-b", "docs")
        try repository.write(["docs/guide.md": "how to\n"])
        try repository.commit("add docs")
        let report = try select(repository, head: "docs")
        #expect(report.selection.runsEverything)
        #expect(report.selection.selected.count == 5)
        #expect(report.selection.runAllReasons[0].contains("docs/guide.md"))

        let rules = try ImpactRules(toml: .table([("paths", .table([("docs/**", .array([]))]))]))
        let ruled = try select(repository, head: "docs", rules: rules)
        #expect(!ruled.selection.runsEverything)
        #expect(ruled.selection.selected.isEmpty)
    }

    @Test func forceFullPathsRunEverything() throws {
        let repository = try FixtureRepository.pythonProject()
        try repository.git("checkout", "-q", "-b", "deps")
        try repository.write(["requirements.txt": "pytest==8.0\n"])
        let pinned = try repository.commit("pin pytest")
        let builtIn = try select(repository, head: "deps")
        #expect(builtIn.selection.runsEverything)
        #expect(builtIn.selection.runAllReasons[0].contains("force-full-run"))

        try repository.write(["ci/deploy.sh": "echo deploy\n", "ci/.watermark": "abc\n"])
        try repository.commit("ci scripts")
        let rules = try ImpactRules(toml: .table([("force_full_run", .array([.string("ci/*.sh")]))]))
        let custom = try select(repository, base: pinned, head: "HEAD", rules: rules.addingForceFullRun("ci/.watermark"))
        #expect(custom.selection.runsEverything)
        #expect(custom.selection.runAllReasons.count == 2)
    }

    @Test func deletedModuleSelectsItsFormerImporters() throws {
        let repository = try FixtureRepository.pythonProject()
        try repository.git("checkout", "-q", "-b", "cleanup")
        try repository.git("rm", "-q", "app/legacy.py")
        try repository.commit("remove legacy")
        let report = try select(repository, head: "cleanup")
        #expect(report.changes == [ChangedPath(status: .deleted, path: "app/legacy.py")])
        // test_legacy imports it inside a function: found, and it must run (it will now fail).
        #expect(selectedTests(report) == ["tests/test_legacy.py"])
    }

    @Test func renameCountsBothPaths() throws {
        let repository = try FixtureRepository.pythonProject()
        try repository.git("checkout", "-q", "-b", "rename")
        try repository.git("mv", "app/util.py", "app/helpers.py")
        try repository.write([
            "app/core.py": "from app.helpers import double\n\ndef quad(x):\n    return double(double(x))\n",
            "tests/test_util.py": "from app.helpers import double\n\ndef test_double():\n    assert double(2) == 4\n",
        ])
        try repository.commit("rename util to helpers")
        let report = try select(repository, head: "rename")
        #expect(report.changes.contains(ChangedPath(status: .renamed, path: "app/helpers.py", oldPath: "app/util.py")))
        #expect(selectedTests(report) == ["tests/test_api.py", "tests/test_core.py", "tests/test_util.py"])
        #expect(!report.selection.runsEverything)
    }

    @Test func missingRevisionIsATestfleetErrorNamingIt() throws {
        let repository = try FixtureRepository.pythonProject()
        let error = try #require(throws: TestfleetError.self) { try select(repository, head: "no-such-branch") }
        #expect(error.message.contains("no-such-branch"))
        #expect(error.message.contains("git fetch"))
    }

    @Test func diffIsFromTheMergeBaseSoBaseProgressIsNotSelected() throws {
        let repository = try FixtureRepository.pythonProject()
        try repository.git("checkout", "-q", "-b", "feature")
        try repository.write(["app/util.py": "def double(x):\n    return x + x\n"])
        try repository.commit("feature: util")
        try repository.git("checkout", "-q", "main")
        try repository.write(["tests/test_plain.py": "def test_json():\n    assert True\n"])
        try repository.commit("main moves on")
        // A merge commit on the feature branch: main's change is not the feature's.
        try repository.git("checkout", "-q", "feature")
        try repository.git("merge", "-q", "--no-edit", "main")
        let report = try select(repository, head: "feature")
        #expect(report.changes == [ChangedPath(status: .modified, path: "app/util.py")])
        #expect(selectedTests(report) == ["tests/test_api.py", "tests/test_core.py", "tests/test_util.py"])
    }

    @Test func graphOfADirectoryOnDisk() throws {
        let repository = try FixtureRepository.pythonProject()
        let graph = try PythonSourceTree.graph(root: repository.root + "/app")
        #expect(graph.jsonText == #"{"modules": 5, "imports": [["app.api", "app.core"], ["app.core", "app.util"]]}"#)
        #expect(graph.modules == ["app", "app.api", "app.core", "app.legacy", "app.util"])
        #expect(throws: TestfleetError.self) { try PythonSourceTree.graph(root: repository.root + "/nope") }
        // A symlink back to the package is not followed (no cycle), as os.walk in grimp.
        try FileManager.default.createSymbolicLink(atPath: repository.root + "/app/loop", withDestinationPath: "..")
        #expect(try PythonSourceTree.graph(root: repository.root + "/app").modules.count == 5)
    }
}
