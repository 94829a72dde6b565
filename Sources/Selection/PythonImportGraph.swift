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
    /// Module names by index, looked up by bytes (see `ByteStringTable`): resolving a graph looks
    /// up hundreds of thousands of names and prefixes.
    let names: ByteStringTable
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
        // Sorting positions, not the files: a file carries its imports, and moving 28,000 of them
        // around is most of a sort's cost.
        let moduleNames = files.map(\.module)
        let order = files.indices.sorted { a, b in
            if moduleNames[a] != moduleNames[b] { return moduleNames[a] < moduleNames[b] }
            if files[a].isPackage != files[b].isPackage { return files[a].isPackage }
            return files[a].path < files[b].path
        }
        var unique: [Int] = []
        unique.reserveCapacity(order.count)
        for position in order where unique.last.map({ moduleNames[$0] != moduleNames[position] }) ?? true {
            unique.append(position)
        }

        modules = unique.map { moduleNames[$0] }
        paths = unique.map { files[$0].path }
        isPackage = unique.map { files[$0].isPackage }
        var table = ByteStringTable(expectedCount: unique.count)
        for name in modules { table.insert(name) }
        self.names = table
        var byPath: [String: Int] = [:]
        byPath.reserveCapacity(unique.count)
        for (index, path) in paths.enumerated() { byPath[path] = index }
        indexByPath = byPath

        var resolver = RootResolver(
            names: table, roots: roots, modules: unique.map { (files[$0].module, files[$0].isPackage) }, infers: infersRoots)
        var allImports: [[Int]] = []
        var allLines: [[Int]] = []
        var allStars: [[Int]] = []
        allImports.reserveCapacity(unique.count)
        allLines.reserveCapacity(unique.count)
        allStars.reserveCapacity(unique.count)
        // The importer that last claimed each target: deduplicates a module's targets in constant
        // time, keeping the line of the first statement that reached each.
        var claimedBy = [Int](repeating: -1, count: unique.count)
        var targets: [(target: Int, line: Int)] = []
        var found: [Int] = []
        for (importer, position) in unique.enumerated() {
            let file = files[position]
            targets.removeAll(keepingCapacity: true)
            var stars: [Int] = []
            for statement in file.imports.imports {
                found.removeAll(keepingCapacity: true)
                resolver.resolve(statement, in: file, into: &found)
                for target in found where target != importer {
                    if claimedBy[target] != importer {
                        claimedBy[target] = importer
                        targets.append((target, statement.line))
                    }
                    if statement.name == "*" { stars.append(target) }
                }
            }
            targets.sort { $0.target < $1.target }
            allStars.append(stars)
            allImports.append(targets.map(\.target))
            allLines.append(targets.map(\.line))
        }
        imports = allImports
        importLines = allLines
        dynamicImportLines = unique.map { files[$0].imports.dynamicImportLines }
        starImports = allStars
        self.roots = roots
        inferredRoots = resolver.inferred.keys.sorted().map { ($0, resolver.inferred[$0]!) }
        parentPackage = modules.map { name in
            guard let dot = name.utf8.lastIndex(of: UInt8(ascii: ".")) else { return nil }
            return Self.nearestExisting(name[..<dot], names: table)
        }
    }

    /// The index of the module named `name`.
    public func index(ofModule name: String) -> Int? { names.find(name) }

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

    /// The package a relative import with `level` dots starts from: the module itself for a
    /// package's `__init__`, its parent otherwise, then one more parent per extra dot.
    static func relativeBase(of module: String, isPackage: Bool, level: Int) -> String? {
        let parts = module.split(separator: ".")
        let keep = parts.count - level + (isPackage ? 1 : 0)
        guard keep > 0, keep <= parts.count else { return nil }
        return parts[0..<keep].joined(separator: ".")
    }

    /// `name` if it is a module, else its nearest ancestor that is.
    static func nearestExisting(_ name: some StringProtocol, names: ByteStringTable) -> Int? {
        var text = String(name)
        return text.withUTF8 { nearestExisting($0, keeping: 0, names: names) }
    }

    /// The bytes `name` if they name a module, else the nearest prefix ending before one of its
    /// dots that does. With `keeping` > 0 the name is `root.target` and `root` (its first
    /// `keeping` bytes) is a `sys.path` directory: candidates stay longer than it, since the
    /// directory is not a module of the import.
    static func nearestExisting(_ name: UnsafeBufferPointer<UInt8>, keeping: Int, names: ByteStringTable) -> Int? {
        var length = name.count
        while true {
            if let index = names.find(UnsafeBufferPointer(rebasing: name[0..<length])) { return index }
            var dot = length - 1
            while dot >= 0, name[dot] != UInt8(ascii: ".") { dot -= 1 }
            guard dot >= 0, keeping == 0 || dot > keeping else { return nil }
            length = dot
        }
    }
}
