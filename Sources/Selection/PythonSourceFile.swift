/// One Python file placed in the module namespace, with the imports found in it.
public struct PythonSourceFile: Sendable, Hashable {
    /// Path relative to the graph's root directory, `/`-separated.
    public var path: String
    /// Dotted module name (`pkg.sub.mod`; a package's `__init__.py` is named after the package).
    public var module: String
    /// True for an `__init__.py`: relative imports then resolve against the module itself.
    public var isPackage: Bool
    /// The module prefix of the directory pytest puts on `sys.path` for this file in its default
    /// `prepend` import mode (the nearest ancestor directory without `__init__.py`), when that is
    /// not the root. Absolute imports are tried under it too, so `import helpers` from
    /// `tests/test_x.py` finds `tests.helpers`.
    public var importBase: String?
    public var imports: PythonSourceImports

    public init(path: String, module: String, isPackage: Bool, importBase: String? = nil, imports: PythonSourceImports) {
        self.path = path
        self.module = module
        self.isPackage = isPackage
        self.importBase = importBase
        self.imports = imports
    }

    /// The module name of a file at `path` (relative to the root, ending in `.py`). When the root
    /// is itself a package (grimp's `build_graph("pkg")`), `rootPackage` is its name and every
    /// module is prefixed with it; for a plain source root it is nil.
    public static func moduleName(forPath path: String, rootPackage: String?) -> (module: String, isPackage: Bool) {
        // Byte work on the UTF-8 view: a graph names tens of thousands of files per run.
        var bytes = Array(path.utf8)
        if bytes.count >= 3, bytes[(bytes.count - 3)...].elementsEqual(".py".utf8) { bytes.removeLast(3) }
        var isPackage = false
        let initName = "__init__".utf8
        if bytes.elementsEqual(initName) {
            bytes.removeAll()
            isPackage = true
        } else if bytes.count > initName.count, bytes[bytes.count - initName.count - 1] == UInt8(ascii: "/"),
            bytes[(bytes.count - initName.count)...].elementsEqual(initName)
        {
            bytes.removeLast(initName.count + 1)
            isPackage = true
        }
        for index in bytes.indices where bytes[index] == UInt8(ascii: "/") { bytes[index] = UInt8(ascii: ".") }
        let module = String(decoding: bytes, as: UTF8.self)
        guard let rootPackage else { return (module, isPackage) }
        return (module.isEmpty ? rootPackage : rootPackage + "." + module, isPackage)
    }

    /// Whether a file name is a test module by pytest's default `python_files` patterns
    /// (`test_*.py`, `*_test.py`).
    public static func isTestFileName(_ name: some StringProtocol) -> Bool {
        // On the UTF-8 view: the generic `hasSuffix` walks a reversed collection of characters.
        let bytes = name.utf8
        func ends(with suffix: StaticString) -> Bool {
            let count = suffix.utf8CodeUnitCount
            guard bytes.count >= count else { return false }
            return bytes.suffix(count).elementsEqual(UnsafeBufferPointer(start: suffix.utf8Start, count: count))
        }
        guard ends(with: ".py") else { return false }
        return bytes.starts(with: "test_".utf8) || ends(with: "_test.py")
    }
}
