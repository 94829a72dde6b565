/// The import graph of the Python modules under one root: which internal module imports which.
/// External imports (the standard library, installed packages) are left out, as in grimp's
/// default.
///
/// Resolution follows grimp: `from a.b import c` is an import of the module `a.b.c` when it
/// exists, otherwise of `a.b` (c is a name defined there). Where grimp gives up after one parent,
/// this graph takes the nearest existing ancestor, because importing `a.b.c` runs `a.b` and `a`
/// first: an edge too many can only make selection run more, never less.
public struct PythonImportGraph: Sendable {
    /// Module names, sorted; a module's index is its position here.
    public let modules: [String]
    /// Root-relative path of each module's file.
    public let paths: [String]
    public let isPackage: [Bool]
    /// For each module, the indices of the internal modules it imports (sorted, no self edge).
    public let imports: [[Int]]
    /// For each module, the line of each import it makes; parallel to `imports`.
    public let importLines: [[Int]]
    /// For each module, lines of dynamic imports with a non-literal target (empty for most).
    public let dynamicImportLines: [[Int]]
    /// For each module, the packages it star-imports (`from pkg import *`), which also loads
    /// the submodules named in the package's `__all__`.
    public let starImports: [[Int]]
    /// For each module, its nearest enclosing package in the graph (nil at the top), whose
    /// `__init__` runs before it.
    public let parentPackage: [Int?]
    /// Module prefixes of the directories on `sys.path` besides the graph's root (`src` for a
    /// src layout), absolute imports are also looked up under each of them.
    public let roots: [String]
    /// Directories (module prefixes) where absolute imports that matched nothing under the known
    /// roots were found, with one such import each (`file:line import name`): evidence of a layout
    /// the configuration did not describe.
    public let inferredRoots: [(root: String, example: String)]
    /// Keyed by substrings so lookups of a name's prefixes (hundreds of thousands per graph)
    /// allocate nothing.
    let indexByName: [Substring: Int]
    private let indexByPath: [String: Int]

    /// Builds the graph from scanned files. Two files claiming one module name (a `pkg.py` next
    /// to a `pkg/` directory) keep the first in path order, as Python's own finder would prefer
    /// the package.
    ///
    /// `roots` are the module prefixes of further `sys.path` directories inside the root (see
    /// `PythonProjectLayout`). With `infersRoots`, an absolute import that matches nothing under
    /// the root or `roots` is also looked up under every non-package directory holding a module or
    /// package of that top-level name: selection must not lose an edge to a layout it was not told
    /// about, and an edge too many only makes it run more. Off for grimp-compatible graphs.
    public init(files: [PythonSourceFile], roots: [String] = [], infersRoots: Bool = false) {
        let ordered = files.sorted {
            ($0.module, $0.isPackage ? 0 : 1, $0.path) < ($1.module, $1.isPackage ? 0 : 1, $1.path)
        }
        var unique: [PythonSourceFile] = []
        unique.reserveCapacity(ordered.count)
        for file in ordered where unique.last?.module != file.module { unique.append(file) }

        modules = unique.map(\.module)
        paths = unique.map(\.path)
        isPackage = unique.map(\.isPackage)
        var byName: [Substring: Int] = [:]
        byName.reserveCapacity(unique.count)
        for (index, name) in modules.enumerated() { byName[Substring(name)] = index }
        indexByName = byName
        var byPath: [String: Int] = [:]
        byPath.reserveCapacity(files.count)
        for (index, path) in paths.enumerated() { byPath[path] = index }
        indexByPath = byPath

        let resolver = RootResolver(
            names: byName, roots: roots, modules: unique.map { ($0.module, $0.isPackage) }, infers: infersRoots)
        var inferred: [String: String] = [:]
        var allImports: [[Int]] = []
        var allLines: [[Int]] = []
        var allStars: [[Int]] = []
        allImports.reserveCapacity(unique.count)
        allLines.reserveCapacity(unique.count)
        for (importer, file) in unique.enumerated() {
            var lineByTarget: [Int: Int] = [:]
            var stars: [Int] = []
            for statement in file.imports.imports {
                for target in resolver.resolve(statement, in: file, inferred: &inferred) where target != importer {
                    if lineByTarget[target] == nil { lineByTarget[target] = statement.line }
                    if statement.name == "*" { stars.append(target) }
                }
            }
            allStars.append(stars)
            let targets = lineByTarget.keys.sorted()
            allImports.append(targets)
            allLines.append(targets.map { lineByTarget[$0]! })
        }
        imports = allImports
        importLines = allLines
        dynamicImportLines = unique.map(\.imports.dynamicImportLines)
        starImports = allStars
        self.roots = roots
        inferredRoots = inferred.keys.sorted().map { ($0, inferred[$0]!) }
        parentPackage = modules.map { name in
            let dot = name.lastIndex(of: ".")
            return dot.flatMap { Self.nearestExisting(name[..<$0], names: byName) }
        }
    }

    /// The index of the module named `name`.
    public func index(ofModule name: String) -> Int? { indexByName[Substring(name)] }

    /// The index of the module whose file is at the root-relative `path`.
    public func index(ofPath path: String) -> Int? { indexByPath[path] }

    /// Every import edge as (importer, imported) names, sorted.
    public var edges: [(importer: String, imported: String)] {
        var result: [(importer: String, imported: String)] = []
        result.reserveCapacity(imports.reduce(0) { $0 + $1.count })
        for (importer, targets) in imports.enumerated() {
            for target in targets { result.append((modules[importer], modules[target])) }
        }
        // Indices are in name order and targets are sorted, so this is already sorted by name.
        return result
    }

    /// Number of import edges.
    public var edgeCount: Int { imports.reduce(0) { $0 + $1.count } }

    // MARK: - Resolution

    /// The internal modules one import statement refers to: zero, one, or two (the root-relative
    /// and the pytest-base-relative reading of an absolute import).
    static func resolve(_ statement: PythonImport, in file: PythonSourceFile, names: [Substring: Int]) -> [Int] {
        let target = statement.target
        if statement.level > 0 {
            guard
                let base = relativeBase(
                    of: file.module, isPackage: file.isPackage || statement.anchoredAtModuleName, level: statement.level)
            else { return [] }
            return nearestExisting(Substring(base + "." + target), names: names).map { [$0] } ?? []
        }
        var found: [Int] = []
        if let direct = nearestExisting(Substring(target), names: names) { found.append(direct) }
        if let importBase = file.importBase, let viaBase = nearestExisting(Substring(importBase + "." + target), names: names),
            viaBase != found.first
        {
            found.append(viaBase)
        }
        return found
    }

    /// The package a relative import with `level` dots starts from: the module itself for a
    /// package's `__init__`, its parent otherwise, then one more parent per extra dot.
    static func relativeBase(of module: String, isPackage: Bool, level: Int) -> String? {
        let parts = module.split(separator: ".")
        let keep = parts.count - level + (isPackage ? 1 : 0)
        guard keep > 0, keep <= parts.count else { return nil }
        return parts[0..<keep].joined(separator: ".")
    }

    /// `name` if it is a module, else its nearest ancestor that is.
    static func nearestExisting(_ name: Substring, names: [Substring: Int]) -> Int? {
        var candidate = Substring(name)
        while true {
            if let index = names[candidate] { return index }
            // The UTF-8 view: a `Character` search walks grapheme boundaries, ten times slower.
            guard let dot = candidate.utf8.lastIndex(of: UInt8(ascii: ".")) else { return nil }
            candidate = candidate[..<dot]
        }
    }
}
