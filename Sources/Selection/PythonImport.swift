/// One module reference found in Python source text, before it is resolved against the set of
/// known modules.
public struct PythonImport: Sendable, Hashable {
    /// How the reference was written.
    public enum Kind: Sendable, Hashable {
        /// `import a.b` or `import a.b as c`: `module` is `a.b`, `name` is nil.
        case plain
        /// `from a.b import c`: `module` is `a.b` (empty for `from . import c`), `name` is `c`
        /// (`*` for a star import). `c` may be a submodule or a name defined in `a.b`.
        case from
        /// `importlib.import_module("a.b")` or `__import__("a.b")` with a string literal.
        case dynamicLiteral
    }

    public var kind: Kind
    /// Number of leading dots: 0 for an absolute import.
    public var level: Int
    /// Dotted module name as written, without the leading dots.
    public var module: String
    /// The imported name of a `from` import; nil otherwise.
    public var name: String?
    /// For `import_module(".x", __name__)`: the relative name is anchored at the importing
    /// module's own name even when it is not a package's `__init__`.
    public var anchoredAtModuleName: Bool
    /// 1-based line of the statement.
    public var line: Int

    public init(
        kind: Kind, level: Int = 0, module: String, name: String? = nil, anchoredAtModuleName: Bool = false, line: Int
    ) {
        self.kind = kind
        self.level = level
        self.module = module
        self.name = name
        self.anchoredAtModuleName = anchoredAtModuleName
        self.line = line
    }

    /// The dotted target as grimp writes it: `a.b` for `import a.b`, `a.b.c` for
    /// `from a.b import c`, without the leading dots.
    public var target: String {
        guard let name else { return module }
        return module.isEmpty ? name : module + "." + name
    }
}

/// Everything the scanner found in one source file.
public struct PythonSourceImports: Sendable, Hashable {
    public var imports: [PythonImport]
    /// Lines of `importlib.import_module(…)` / `__import__(…)` calls whose argument is not a plain
    /// string literal (or a reference to those functions that is not a call). The module may
    /// import anything at run time, so selection treats it as depending on every module.
    public var dynamicImportLines: [Int]

    public init(imports: [PythonImport] = [], dynamicImportLines: [Int] = []) {
        self.imports = imports
        self.dynamicImportLines = dynamicImportLines
    }

    /// True when the file has an import whose target is unknown until run time.
    public var hasUnknownDynamicImport: Bool { !dynamicImportLines.isEmpty }
}
