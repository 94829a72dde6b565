import Selection
import Testing

/// Module naming and import resolution of `PythonImportGraph`, on source text built in the test.
@Suite struct ImpactGraphTests {
    private func graph(_ files: [(String, String)], rootPackage: String? = nil) -> PythonImportGraph {
        sourceGraph(files, rootPackage: rootPackage)
    }

    private func edges(_ graph: PythonImportGraph) -> [String] { graph.edges.map { "\($0.importer) -> \($0.imported)" } }

    @Test func fromImportResolvesSubmoduleOrName() {
        let g = graph([
            ("pkg/__init__.py", "from .core import Engine\n"),
            ("pkg/core.py", "from pkg import util\nfrom pkg.util import helper\nfrom pkg.missing import thing\n"),
            ("pkg/util.py", "import os\nimport pkg.sub.deep\n"),
            ("pkg/sub/__init__.py", ""),
        ])
        #expect(g.modules == ["pkg", "pkg.core", "pkg.sub", "pkg.util"])
        // `pkg.missing` does not exist: the nearest ancestor `pkg` runs on import, so it counts.
        #expect(edges(g) == ["pkg -> pkg.core", "pkg.core -> pkg", "pkg.core -> pkg.util", "pkg.util -> pkg.sub"])
    }

    @Test func relativeImportsFromPackagesAndModules() {
        let g = graph(
            [
                ("__init__.py", "from . import a\n"),
                ("a.py", "from .b import x\nfrom .sub import c\n"),
                ("b.py", ""),
                ("sub/__init__.py", "from .. import b\nfrom . import c\n"),
                ("sub/c.py", "from ..a import y\nfrom ...outside import z\n"),
            ], rootPackage: "top")
        #expect(g.modules == ["top", "top.a", "top.b", "top.sub", "top.sub.c"])
        #expect(
            edges(g) == [
                "top -> top.a", "top.a -> top.b", "top.a -> top.sub.c", "top.sub -> top.b", "top.sub -> top.sub.c",
                "top.sub.c -> top.a",
            ])
    }

    @Test func namespacePackagesAndPytestImportBase() {
        // `tests/` has no __init__.py: pytest puts it on sys.path, so `import helpers` works.
        let g = graph([
            ("ns/plugin.py", "import ns.other\n"),
            ("ns/other.py", ""),
            ("tests/helpers.py", ""),
            ("tests/test_plugin.py", "import helpers\nfrom ns import plugin\n"),
        ])
        #expect(g.modules == ["ns.other", "ns.plugin", "tests.helpers", "tests.test_plugin"])
        #expect(edges(g) == ["ns.plugin -> ns.other", "tests.test_plugin -> ns.plugin", "tests.test_plugin -> tests.helpers"])
    }

    @Test func dynamicImportsResolveOrFlag() {
        let g = graph([
            ("app/__init__.py", ""),
            ("app/registry.py", "import importlib\nplugin = importlib.import_module('app.plugin')\n"),
            ("app/plugin.py", ""),
            ("app/loader.py", "import importlib\ndef load(n):\n    return importlib.import_module(n)\n"),
        ])
        #expect(edges(g) == ["app.registry -> app.plugin"])
        #expect(g.dynamicImportLines[g.index(ofModule: "app.loader")!] == [3])
    }

    @Test func grimpCompatibleLayoutSkipsOrphansAndOddNames() {
        let paths = [
            "__init__.py", "a.py", "data/loose.py", "sub/__init__.py", "sub/b.py", "sub/plain/c.py",
            "bad-name/__init__.py", "bad-name/d.py", ".hidden.py", "two.dots.py", "README.md",
        ]
        let strict = PythonModuleLayout.entries(paths: paths, rootPackage: "root", mode: .grimpCompatible)
        #expect(strict.map(\.module).sorted() == ["root", "root.a", "root.sub", "root.sub.b"])
        let complete = PythonModuleLayout.entries(paths: paths, rootPackage: "root", mode: .complete)
        #expect(complete.count == 10)
    }

    /// Thousands of modules under several configured roots (the name table grows many times):
    /// every import resolves to the module a plain rule over the names predicts, through the
    /// nearest existing ancestor, under the root that holds it, never to the root itself.
    @Test func manyModulesUnderManyRootsResolveLikeTheNamesSay() {
        var files: [(String, String)] = []
        var expected: Set<String> = []
        for lib in 0..<6 {
            files.append(("libs/l\(lib)/src/p\(lib)/__init__.py", ""))
            for module in 0..<400 {
                let name = "p\(lib).m\(module)"
                var source = "import os\n"
                if module > 0 {
                    source += "from p\(lib) import m\(module - 1)\n"  // a submodule
                    expected.insert("\(name) -> p\(lib).m\(module - 1)")
                }
                if lib > 0 {
                    source += "import p\(lib - 1).m\(module).helper\n"  // a name in a module: its nearest ancestor
                    expected.insert("\(name) -> p\(lib - 1).m\(module)")
                }
                source += "from p\(lib) import missing\n"  // a name in the package
                expected.insert("\(name) -> p\(lib)")
                files.append(("libs/l\(lib)/src/p\(lib)/m\(module).py", source))
            }
        }
        let roots = (0..<6).map { "libs.l\($0).src" }
        let graph = sourceGraph(files, roots: roots, infersRoots: true)
        let edges = Set(graph.edges.map { edge -> String in
            func short(_ name: String) -> String { name.split(separator: ".").dropFirst(3).joined(separator: ".") }
            return "\(short(edge.importer)) -> \(short(edge.imported))"
        })
        #expect(graph.modules.count == 6 * 401)
        #expect(edges == expected)
        #expect(graph.index(ofModule: "libs.l3.src.p3.m17") != nil)
        #expect(graph.index(ofModule: "libs.l3.src.p3.m400") == nil)
        #expect(graph.modules(importedAs: "p2.m5.anything") == [graph.index(ofModule: "libs.l2.src.p2.m5")!])
    }

    @Test func graphJSONShape() {
        let g = graph([("a.py", "import b\n"), ("b.py", "")])
        #expect(g.jsonText == #"{"modules": 2, "imports": [["a", "b"]]}"#)
    }
}
