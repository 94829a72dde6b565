/// Absolute imports looked up under more than one `sys.path` directory.
extension PythonImportGraph {
    /// Resolves import statements against the graph's root, the importing file's pytest base, the
    /// configured roots and, when inference is on, every directory that could be a source root.
    /// Names are assembled in a reused byte buffer and looked up in place (see `ByteStringTable`).
    struct RootResolver {
        let names: ByteStringTable
        /// The first component of every module name: an absolute import whose first component
        /// is not among them cannot resolve at the graph root, so it costs one lookup, not one
        /// per component.
        let tops: ByteStringTable
        /// Top-level names that some directory holds, indexing `configured` and `holders`.
        let components: ByteStringTable
        /// Per entry of `components`: the configured roots holding a module or package of that
        /// name, so an import is looked up only under the roots that can hold it (a mono-repo has
        /// dozens).
        let configured: [[String]]
        /// Per entry of `components`: the other non-package directories (module prefixes, never
        /// the graph root) holding a module or package of that name. Empty when inference is off.
        let holders: [[String]]
        let infers: Bool
        /// Per inferred directory, the first import found only there (`file:line imports name`).
        private(set) var inferred: [String: String] = [:]
        /// Scratch space: the target of the statement being resolved (or, for a relative import,
        /// the whole name), and that target under a root.
        private var buffer: [UInt8] = []
        private var joined: [UInt8] = []

        init(names: ByteStringTable, roots: [String], modules: [(name: String, isPackage: Bool)], infers: Bool) {
            self.names = names
            self.infers = infers
            var tops = ByteStringTable(expectedCount: 64)
            for module in modules {
                var name = module.name
                name.withUTF8 { bytes in
                    let end = bytes.firstIndex(of: UInt8(ascii: ".")) ?? bytes.count
                    tops.insert(UnsafeBufferPointer(rebasing: bytes[0..<end]))
                }
            }
            self.tops = tops
            var components = ByteStringTable()
            var configured: [Set<String>] = []
            var found: [Set<String>] = []
            if infers || !roots.isEmpty {
                var packages: Set<Substring> = []
                for module in modules where module.isPackage { packages.insert(Substring(module.name)) }
                let roots = Set(roots.map { Substring($0) })
                func record(_ component: Substring, under prefix: Substring) {
                    let slot = components.insert(String(component)).index
                    if slot == configured.count {
                        configured.append([])
                        found.append([])
                    }
                    if roots.contains(prefix) {
                        configured[slot].insert(String(prefix))
                    } else if infers {
                        found[slot].insert(String(prefix))
                    }
                }
                // Whether the walk from the top reaches a directory (module prefix) without passing
                // a regular package, which is no `sys.path` entry and neither is anything inside it;
                // the directory's own components are recorded on the way. Once per directory: a
                // mono-repo's 28,000 modules live in about a thousand.
                var reaches: [Substring: Bool] = [:]
                func walk(_ directory: Substring) -> Bool {
                    if let known = reaches[directory] { return known }
                    var result = true
                    if let dot = directory.utf8.lastIndex(of: UInt8(ascii: ".")) {
                        let parent = directory[..<dot]
                        let component = directory[directory.index(after: dot)...]
                        if walk(parent) {
                            if roots.contains(parent) || !packages.contains(parent) {
                                record(component, under: parent)
                            } else {
                                result = false
                            }
                        } else {
                            result = false
                        }
                    }
                    reaches[directory] = result
                    return result
                }
                for module in modules {
                    let name = Substring(module.name)
                    guard let dot = name.utf8.lastIndex(of: UInt8(ascii: ".")) else { continue }
                    let parent = name[..<dot]
                    guard walk(parent), roots.contains(parent) || !packages.contains(parent) else { continue }
                    record(name[name.index(after: dot)...], under: parent)
                }
            }
            self.components = components
            self.configured = configured.map { $0.sorted() }
            holders = found.map { $0.sorted() }
        }

        /// Appends to `found` the internal modules `statement` in `file` may load, each once.
        mutating func resolve(_ statement: PythonImport, in file: PythonSourceFile, into found: inout [Int]) {
            buffer.removeAll(keepingCapacity: true)
            if statement.level > 0 {
                guard
                    let base = PythonImportGraph.relativeBase(
                        of: file.module, isPackage: file.isPackage || statement.anchoredAtModuleName, level: statement.level)
                else { return }
                buffer.append(contentsOf: base.utf8)
                buffer.append(UInt8(ascii: "."))
                appendTarget(statement)
                if let module = lookUp(keeping: 0) { found.append(module) }
                return
            }
            appendTarget(statement)
            let targetLength = buffer.count
            let topLength = buffer.firstIndex(of: UInt8(ascii: ".")) ?? targetLength
            let isTop = buffer.withUnsafeBufferPointer { tops.find(UnsafeBufferPointer(rebasing: $0[0..<topLength])) != nil }
            if isTop, let direct = lookUp(keeping: 0) { found.append(direct) }
            // pytest's `prepend` import mode puts the test file's base directory on sys.path.
            if let base = file.importBase, let viaBase = existing(under: base, targetLength: targetLength),
                !found.contains(viaBase)
            {
                found.append(viaBase)
            }
            guard components.count > 0,
                let slot = buffer.withUnsafeBufferPointer({ components.find(UnsafeBufferPointer(rebasing: $0[0..<topLength])) })
            else { return }
            for root in configured[slot] where root != file.importBase {
                if let module = existing(under: root, targetLength: targetLength), !found.contains(module) {
                    found.append(module)
                }
            }
            guard found.isEmpty, infers else { return }
            for holder in holders[slot] {
                guard let module = existing(under: holder, targetLength: targetLength), !found.contains(module) else { continue }
                found.append(module)
                if inferred[holder] == nil {
                    inferred[holder] = "\(file.path):\(statement.line) imports \(statement.target)"
                }
            }
        }

        /// Appends the statement's dotted target (`module.name` for a `from` import) to `buffer`.
        private mutating func appendTarget(_ statement: PythonImport) {
            buffer.append(contentsOf: statement.module.utf8)
            if let name = statement.name {
                if !statement.module.isEmpty { buffer.append(UInt8(ascii: ".")) }
                buffer.append(contentsOf: name.utf8)
            }
        }

        /// The nearest module of `buffer`'s name (see `PythonImportGraph.nearestExisting`).
        private func lookUp(keeping: Int) -> Int? {
            buffer.withUnsafeBufferPointer { PythonImportGraph.nearestExisting($0, keeping: keeping, names: names) }
        }

        /// `root.target` (the target being the first `targetLength` bytes of `buffer`), or its
        /// nearest ancestor that is a module, stopping before `root` itself.
        private mutating func existing(under root: String, targetLength: Int) -> Int? {
            joined.removeAll(keepingCapacity: true)
            var root = root
            root.withUTF8 { joined.append(contentsOf: $0) }
            joined.append(UInt8(ascii: "."))
            buffer.withUnsafeBufferPointer { joined.append(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<targetLength])) }
            return joined.withUnsafeBufferPointer { all in
                PythonImportGraph.nearestExisting(all, keeping: root.utf8.count, names: names)
            }
        }
    }

    /// The modules an absolute dotted name may load, looked up under the graph's root and its
    /// `roots` (as a `-p` plugin or a `pytest_plugins` entry is): empty when none holds it.
    public func modules(importedAs name: String) -> [Int] {
        func existing(_ name: String, under root: String) -> Int? {
            var full = root.isEmpty ? name : root + "." + name
            return full.withUTF8 { Self.nearestExisting($0, keeping: root.utf8.count, names: names) }
        }
        var result: [Int] = []
        if let direct = existing(name, under: "") { result.append(direct) }
        for root in roots {
            if let module = existing(name, under: root), !result.contains(module) { result.append(module) }
        }
        for (root, _) in inferredRoots {
            if let module = existing(name, under: root), !result.contains(module) { result.append(module) }
        }
        return result
    }
}
