import Model
import Selection
import SelectionSources
import Testing

/// Module roots: where the project's settings put packages on `sys.path`, and how the graph
/// resolves absolute imports under them.
@Suite struct ModuleRootTests {
    private func graph(_ files: [(String, String)], roots: [String] = [], infers: Bool = true) -> PythonImportGraph {
        sourceGraph(files, roots: roots, infersRoots: infers)
    }

    private func edges(_ graph: PythonImportGraph) -> [String] { graph.edges.map { "\($0.importer) -> \($0.imported)" } }

    private let srcLayout: [(String, String)] = [
        ("src/pkg/__init__.py", ""),
        ("src/pkg/mod.py", "import json\nfrom pkg import helpers\n"),
        ("src/pkg/helpers.py", ""),
        ("tests/test_mod.py", "from pkg.mod import thing\nimport types\n"),
    ]

    @Test func configuredRootResolvesAbsoluteImports() {
        let g = graph(srcLayout, roots: ["src"], infers: false)
        #expect(edges(g).contains("tests.test_mod -> src.pkg.mod"))
        #expect(edges(g).contains("src.pkg.mod -> src.pkg.helpers"))
        #expect(g.inferredRoots.isEmpty)
        // Without roots or inference the src layout loses its edges (what issue 10 reported).
        #expect(!edges(graph(srcLayout, infers: false)).contains("tests.test_mod -> src.pkg.mod"))
    }

    @Test func unconfiguredRootIsInferredAndReported() {
        let g = graph(srcLayout + [("lib/types.py", ""), ("src/pkg/inner/types.py", "")])
        #expect(edges(g).contains("tests.test_mod -> src.pkg.mod"))
        #expect(g.inferredRoots.map(\.root) == ["lib", "src"])
        #expect(g.inferredRoots.last?.example == "tests/test_mod.py:1 imports pkg.mod.thing")
        // `import types` may mean lib/types.py (lib is not a package), never a module inside one.
        #expect(edges(g).contains("tests.test_mod -> lib.types"))
        #expect(!edges(g).contains("tests.test_mod -> src.pkg.inner.types"))
    }

    @Test func pytestPluginsAreImports() {
        let scan = PythonImportScanner.scan("pytest_plugins = [\"a.fixtures\", 'b']\npytest_plugins += (\"c\",)\nx = pytest_plugins\n")
        #expect(scan.imports.map(\.target) == ["a.fixtures", "b", "c"])
        #expect(PythonImportScanner.scan("pytest_plugins = \"single\"\n").imports.map(\.target) == ["single"])
        #expect(PythonImportScanner.scan("pytest_plugins = make_list()\n").dynamicImportLines == [1])
    }

    /// The settings read from files given as text (the repository reader's job is tested on
    /// real repositories in LayoutFixtureTests).
    private func layout(_ files: [String: String], directory: String = "", suite: SuiteDefinition? = nil) throws
        -> PythonProjectLayout
    {
        try PythonProjectSettings.layout(
            directory: directory, paths: [], suite: suite ?? SuiteDefinition(name: "unit", adapter: .pytest, directory: "/repo")
        ) { paths in paths.map { files[$0] ?? "" } }
    }

    private func roots(_ layout: PythonProjectLayout) -> [String] { layout.roots.map(\.directory) }

    @Test func packagingMetadataRoots() throws {
        let pyproject = """
            [project.entry-points.pytest11]
            myplugin = "myplug.plugin:hooks"
            [tool.setuptools.package-dir]
            "" = "lib"
            [tool.setuptools.packages.find]
            where = ["code"]
            [tool.hatch.build.targets.wheel]
            packages = ["hsrc/hpkg"]
            [tool.poetry]
            packages = [{ include = "ppkg", from = "psrc" }]
            [tool.pytest.ini_options]
            pythonpath = ["extra"]
            python_files = ["check_*.py"]
            addopts = "-p myplug.more --doctest-modules -p no:cacheprovider"
            """
        let result = try layout(["pyproject.toml": pyproject])
        #expect(roots(result) == ["", "extra", "lib", "code", "hsrc", "psrc"])
        #expect(result.plugins.map(\.module) == ["myplug.more", "myplug.plugin"])
        #expect(result.testFilePatterns == ["check_*.py", "*.py"])
        #expect(result.roots[1].reason == "pythonpath = extra in pyproject.toml")
    }

    @Test func iniFilesSetupPyAndPythonPath() throws {
        let setupCfg = "[options]\npackage_dir =\n    =source\n[options.entry_points]\npytest11 =\n    x = xplug\n[tool:pytest]\npythonpath = a b\n"
        let suite = SuiteDefinition(
            name: "unit", adapter: .pytest, directory: "/repo/svc", command: "python -m pytest -p svcplug",
            environment: ["PYTHONPATH": "/repo/svc/vendor:gen:/elsewhere"])
        let result = try layout(
            ["svc/setup.cfg": setupCfg, "setup.py": "setup(package_dir={'': 'svc/pysrc'})\n", "svc/tox.ini": "[tox]\n"],
            directory: "svc", suite: suite)
        #expect(roots(result) == ["", "a", "b", "source", "pysrc", "vendor", "gen"])
        // `python -m pytest` runs the module pytest for every test (a plugin when the repository holds it).
        #expect(result.plugins.map(\.module) == ["xplug", "pytest", "svcplug"])
        #expect(result.notes.contains { $0.contains("/elsewhere") })
        // A pytest.ini wins over setup.cfg's [tool:pytest] in the same directory.
        let ini = try layout(["pytest.ini": "[pytest]\npythonpath = one\n", "setup.cfg": "[tool:pytest]\npythonpath = two\n"])
        #expect(roots(ini) == ["", "one"])
    }

    @Test func renamedPackageDirectoryIsNotedAsUnsure() throws {
        let result = try layout(["setup.cfg": "[options]\npackage_dir =\n    shop = code_of_shop\n"])
        #expect(roots(result) == [""])
        #expect(result.notes.contains { $0.contains("package_dir maps shop to code_of_shop") })
    }
}
