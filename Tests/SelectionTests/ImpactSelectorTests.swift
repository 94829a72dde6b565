import Model
import Selection
import Testing

/// The pure selector on graphs built in memory (no git): what each kind of change selects.
@Suite struct ImpactSelectorTests {
    private static let sources: [(String, String)] = [
        ("app/__init__.py", ""),
        ("app/util.py", "def f(): pass\n"),
        ("app/core.py", "from app.util import f\n"),
        ("app/api.py", "from . import core\n"),
        ("app/plugins.py", "import importlib\ndef load(n):\n    return importlib.import_module(n)\n"),
        ("tests/conftest.py", ""),
        ("tests/test_core.py", "from app import core\n"),
        ("tests/test_api.py", "import app.api\n"),
        ("tests/test_plain.py", "import json\n"),
        ("tests/slow/test_plugins.py", "from app.plugins import load\n"),
    ]

    private static func graph(_ files: [(String, String)]) -> PythonImportGraph {
        let text = Dictionary(uniqueKeysWithValues: files)
        let entries = PythonModuleLayout.entries(paths: files.map(\.0), rootPackage: nil, mode: .complete)
        return PythonImportGraph(
            files: entries.map {
                PythonSourceFile(
                    path: $0.path, module: $0.module, isPackage: $0.isPackage, importBase: $0.importBase,
                    imports: PythonImportScanner.scan(text[$0.path]!))
            })
    }

    private func selector(rules: ImpactRules = ImpactRules(), base: PythonImportGraph? = nil) -> ImpactSelector {
        let head = Self.graph(Self.sources)
        let python = ImpactSuite.python(name: "unit", directory: "py", head: head, base: base, rules: rules)
        let swift = ImpactSuite.swift(
            name: "swift", directory: "",
            targets: SwiftTargetGraph(targets: [
                .init(name: "Model", path: "Sources/Model", type: "library", targetDependencies: []),
                .init(name: "Planning", path: "Sources/Planning", type: "library", targetDependencies: ["Model"]),
                .init(name: "ModelTests", path: "Tests/ModelTests", type: "test", targetDependencies: ["Model"]),
                .init(name: "PlanningTests", path: "Tests/PlanningTests", type: "test", targetDependencies: ["Planning"]),
            ]))
        return ImpactSelector(suites: [python, swift], rules: rules)
    }

    private func names(_ selection: ImpactSelection) -> [String] {
        selection.selected.map { "\($0.suite)::\($0.test ?? "*")" }
    }

    @Test func moduleChangeSelectsTransitiveImportersOnly() {
        let selection = selector().select([ChangedPath(status: .modified, path: "py/app/util.py")])
        // test_plugins is selected too: app.plugins imports modules chosen at run time.
        #expect(names(selection) == ["unit::tests/slow/test_plugins.py", "unit::tests/test_api.py", "unit::tests/test_core.py"])
        #expect(!selection.runsEverything)
        let chain = selection.selected.first { $0.test == "tests/test_api.py" }!.reasons[0]
        #expect(chain.first == "py/app/util.py (modified)")
        #expect(chain.last == "test tests/test_api.py")
        #expect(selection.skipped.map(\.test) == ["tests/test_plain.py", "ModelTests", "PlanningTests"])
    }

    @Test func testFileSelectsItselfAndConftestSelectsItsDirectory() {
        let itself = selector().select([ChangedPath(status: .modified, path: "py/tests/test_plain.py")])
        #expect(names(itself) == ["unit::tests/test_plain.py"])
        let conftest = selector().select([ChangedPath(status: .modified, path: "py/tests/conftest.py")])
        #expect(conftest.selected.count == 4)
    }

    @Test func packageInitChangeSelectsEverythingInsideThePackage() {
        let selection = selector().select([ChangedPath(status: .modified, path: "py/app/__init__.py")])
        #expect(names(selection) == ["unit::tests/slow/test_plugins.py", "unit::tests/test_api.py", "unit::tests/test_core.py"])
    }

    @Test func unknownAndForceFullPathsRunEverything() {
        for path in ["py/data/fixture.json", "poetry.lock", ".github/workflows/ci.yml"] {
            let selection = selector().select([ChangedPath(status: .modified, path: path)])
            #expect(selection.runsEverything, "\(path)")
            #expect(selection.skipped.isEmpty)
            #expect(selection.selected.count == 6)
        }
    }

    @Test func rulesMapIgnoreAndAlwaysRun() throws {
        var rules = ImpactRules()
        rules.paths = [
            .init(glob: try PathGlob("docs/**"), targets: []),
            .init(glob: try PathGlob("py/data/**"), targets: [try TestReference("unit::tests/test_api.py")]),
        ]
        rules.alwaysRun = [try TestReference("ModelTests")]
        let docs = selector(rules: rules).select([ChangedPath(status: .added, path: "docs/intro.md")])
        #expect(names(docs) == ["swift::ModelTests"])
        let data = selector(rules: rules).select([ChangedPath(status: .modified, path: "py/data/x.json")])
        #expect(names(data) == ["unit::tests/test_api.py", "swift::ModelTests"])
        rules.alwaysRun = [try TestReference("unit::tests/test_gone.py")]
        #expect(selector(rules: rules).select([]).runsEverything)
    }

    @Test func swiftTargetChangeSelectsDependentTestTargets() {
        let selection = selector().select([ChangedPath(status: .modified, path: "Sources/Model/Arch.swift")])
        #expect(names(selection) == ["swift::ModelTests", "swift::PlanningTests"])
        let chain = selection.selected[1].reasons[0]
        #expect(chain == ["Sources/Model/Arch.swift (modified)", "target Model", "Planning depends on Model", "PlanningTests depends on Planning", "test target PlanningTests"])
    }

    @Test func deletedModuleSelectsFormerImportersFromTheBaseGraph() {
        var baseSources = Self.sources
        baseSources.append(("app/legacy.py", ""))
        baseSources.append(("tests/test_legacy_user.py", "import app.legacy\n"))
        baseSources[2] = ("app/core.py", "from app.util import f\nimport app.legacy\n")
        // At head the importer stopped importing it and the legacy test file remains.
        var headSources = Self.sources
        headSources.append(("tests/test_legacy_user.py", "import json\n"))
        let head = Self.graph(headSources)
        let base = Self.graph(baseSources)
        let suite = ImpactSuite.python(name: "unit", directory: "py", head: head, base: base, rules: ImpactRules())
        let selection = ImpactSelector(suites: [suite], rules: ImpactRules())
            .select([ChangedPath(status: .deleted, path: "py/app/legacy.py")])
        #expect(
            names(selection) == [
                "unit::tests/slow/test_plugins.py", "unit::tests/test_api.py", "unit::tests/test_core.py",
                "unit::tests/test_legacy_user.py",
            ])
        let missingBase = ImpactSelector(
            suites: [ImpactSuite.python(name: "unit", directory: "py", head: head, base: nil, rules: ImpactRules())],
            rules: ImpactRules()
        ).select([ChangedPath(status: .deleted, path: "py/app/legacy.py")])
        #expect(missingBase.runsEverything)
    }

    @Test func lookupMatchesAdapterTestNames() {
        let swift = ImpactSelection.Lookup(selector().select([ChangedPath(status: .modified, path: "Sources/Planning/A.swift")]))
        #expect(swift.selects(suite: "swift", test: "PlanningTests.QueueTests/testOrder"))
        #expect(swift.selects(suite: "swift", test: "PlanningTests.Suite/test(value:)"))
        #expect(!swift.selects(suite: "swift", test: "ModelTests.ArchTests/testParse"))
        #expect(!swift.selects(suite: "unit", test: "tests/test_core.py::test_quad"))
        let python = ImpactSelection.Lookup(selector().select([ChangedPath(status: .modified, path: "py/app/core.py")]))
        #expect(python.selects(suite: "unit", test: "tests/test_core.py::TestK::test_quad"))
        #expect(!python.selects(suite: "unit", test: "tests/test_plain.py::test_json"))
        let everything = ImpactSelection.Lookup(selector().select([ChangedPath(status: .modified, path: "Makefile")]))
        #expect(everything.selects(suite: "unit", test: "tests/test_plain.py::test_json"))
    }

    @Test func filterCountsAndNamesWhatItSkipsFileByFile() {
        var filter = ImpactSelection.Filter(selector().select([ChangedPath(status: .modified, path: "py/app/core.py")]))
        // Node ids come grouped by file: the filter decides a file's later tests from its first.
        let names = ["tests/test_core.py::test_a", "tests/test_core.py::test_b", "tests/test_plain.py::test_x",
                     "tests/test_plain.py::test_y", "tests/test_core.py::test_c@aarch64", "tests/test_plain.py::test_z@x86_64"]
        let kept = names.filter { filter.keep(suite: "unit", test: $0) }
        #expect(kept == ["tests/test_core.py::test_a", "tests/test_core.py::test_b", "tests/test_core.py::test_c@aarch64"])
        #expect(filter.selectedCount == 3 && filter.skippedCount == 3)
        #expect(filter.skipped.map(\.test) == ["tests/test_plain.py::test_x", "tests/test_plain.py::test_y",
                                               "tests/test_plain.py::test_z@x86_64"])
        #expect(filter.skipped.allSatisfy { $0.suite == "unit" && $0.reason.contains("imports none") })
        // Every answer agrees with the plain lookup.
        let lookup = ImpactSelection.Lookup(selector().select([ChangedPath(status: .modified, path: "py/app/core.py")]))
        #expect(kept == names.filter { lookup.selects(suite: "unit", test: $0) })
    }

    @Test func lookupMatchesPerArchCopiesLikeTheirOriginal() {
        // `arch = "every"` plans `name@x86_64` and `name@aarch64`; each is selected with `name`.
        let python = ImpactSelection.Lookup(selector().select([ChangedPath(status: .modified, path: "py/app/core.py")]))
        #expect(python.selects(suite: "unit", test: "tests/test_core.py::test_quad@aarch64"))
        #expect(python.selects(suite: "unit", test: "tests/test_core.py::test_p[a@b]@x86_64"))
        #expect(!python.selects(suite: "unit", test: "tests/test_plain.py::test_json@aarch64"))
        let swift = ImpactSelection.Lookup(selector().select([ChangedPath(status: .modified, path: "Sources/Planning/A.swift")]))
        #expect(swift.selects(suite: "swift", test: "PlanningTests.QueueTests/testOrder@x86_64"))
        #expect(!swift.selects(suite: "swift", test: "ModelTests.ArchTests/testParse@x86_64"))
        #expect(!swift.selects(suite: "swift", test: "@x86_64"))
    }

    @Test func starImportOfAPackageDependsOnItsSubmodules() {
        let head = Self.graph([
            ("lib/__init__.py", "__all__ = ['tools']\n"),
            ("lib/tools.py", ""),
            ("tests/test_star.py", "from lib import *\n"),
            ("tests/test_none.py", ""),
        ])
        let suite = ImpactSuite.python(name: "unit", directory: "", head: head, base: nil, rules: ImpactRules())
        let selection = ImpactSelector(suites: [suite], rules: ImpactRules())
            .select([ChangedPath(status: .modified, path: "lib/tools.py")])
        #expect(names(selection) == ["unit::tests/test_star.py"])
        #expect(selection.selected[0].reasons[0].contains { $0.contains("star-imports package lib") })
    }
}
