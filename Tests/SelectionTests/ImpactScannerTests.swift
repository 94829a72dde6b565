import Selection
import Testing

/// The hand-written Python import scanner on the statement forms it must get right.
@Suite struct ImpactScannerTests {
    /// Targets in grimp's notation: dots for the level, then `module.name`.
    private func targets(_ source: String) -> [String] {
        PythonImportScanner.scan(source).imports.map { String(repeating: ".", count: $0.level) + $0.target }
    }

    @Test func plainImportsWithAliasesAndLists() {
        #expect(targets("import a\nimport a.b.c as d, e  ,f as g\n") == ["a", "a.b.c", "e", "f"])
        #expect(targets("import  a . b  # comment\n") == ["a.b"])
    }

    @Test func fromImportsAbsoluteRelativeAndStar() {
        let source = """
            from a.b import c, d as e
            from . import x
            from ..pkg import y
            from .mod import *
            from ... import z
            from .import w
            """
        #expect(targets(source) == ["a.b.c", "a.b.d", ".x", "..pkg.y", ".mod.*", "...z", ".w"])
    }

    @Test func parenthesisedMultiLineImportsWithComments() {
        let source = """
            from a import (  # why
                b as B,   # first
                # a comment line
                c,
            )
            import d
            """
        #expect(targets(source) == ["a.b", "a.c", "d"])
        let scan = PythonImportScanner.scan(source)
        #expect(scan.imports.map(\.line) == [1, 1, 6])
    }

    @Test func backslashContinuations() {
        #expect(targets("import a, \\\n    b\nfrom c \\\n    import d, \\\n  e\n") == ["a", "b", "c.d", "c.e"])
    }

    @Test func importsInFunctionsClassesAndTypeChecking() {
        let source = """
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from pkg.models import Model
            if typing.TYPE_CHECKING: import pkg.other
            def f():
                import pkg.lazy
                try: import fast
                except ImportError: import slow
            class K:
                from pkg import inner; import last
            """
        #expect(
            targets(source) == [
                "typing.TYPE_CHECKING", "pkg.models.Model", "pkg.other", "pkg.lazy", "fast", "slow", "pkg.inner", "last",
            ])
    }

    @Test func nothingInsideStringsCommentsOrDocstrings() {
        let source = #"""
            """Module docstring.
            import not_this
            """
            # import not_comment
            s = 'import not_single'; t = "from x import y"
            u = '''
            import not_triple
            '''
            v = f"{'import'} {x["k"]!r:>{width}} import no"
            w = rb'\'import raw'
            x = 42 # """
            import yes_after_hash_quote
            print('"""')
            import yes_after_quoted_quotes
            def g():
                """Docstring with
                from nope import nothing
                """
                return 1
            import final
            """#
        #expect(targets(source) == ["yes_after_hash_quote", "yes_after_quoted_quotes", "final"])
    }

    @Test func keywordsInOtherPositionsAreNotImports() {
        let source = """
            x = (yield from gen())
            raise Error from cause
            important = 1
            imports = [importer for importer in y]
            from_ = 2
            """
        #expect(targets(source).isEmpty)
    }

    @Test func literalDynamicImportsAreEdges() {
        let source = """
            import importlib
            m = importlib.import_module("pkg.plugins.a")
            n = __import__('pkg.b')
            o = import_module(".sibling", __package__)
            p = import_module(".mod", "pkg.sub")
            """
        let scan = PythonImportScanner.scan(source)
        #expect(scan.imports.filter { $0.kind == .dynamicLiteral }.map(\.target) == ["pkg.plugins.a", "pkg.b", "sibling", "pkg.sub.mod"])
        #expect(scan.imports.first { $0.module == "sibling" }?.level == 1)
        #expect(!scan.hasUnknownDynamicImport)
    }

    @Test func nonLiteralDynamicImportsAreFlaggedUnknown() {
        let source = """
            from importlib import import_module
            def load(name):
                return import_module(name)
            mod = __import__(f"pkg.{name}")
            loader = importlib.import_module
            rel = import_module(".x", some_package)
            def import_module(name): pass
            """
        let scan = PythonImportScanner.scan(source)
        #expect(scan.dynamicImportLines == [3, 4, 5, 6])
        #expect(scan.hasUnknownDynamicImport)
    }

    @Test func unterminatedStringDoesNotSwallowTheFile() {
        #expect(targets("x = 'oops\nimport a\n") == ["a"])
    }

    @Test func windowsLineEndings() {
        #expect(targets("import a\r\nfrom b import (\r\n  c,\r\n)\r\nimport d\r\n") == ["a", "b.c", "d"])
    }

    @Test func byteOrderMarkBeforeTheFirstImport() {
        #expect(targets("\u{FEFF}import a\nfrom . import (b, c)\n") == ["a", ".b", ".c"])
    }
}
