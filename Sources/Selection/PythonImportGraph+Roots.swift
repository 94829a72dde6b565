/// Absolute imports looked up under more than one `sys.path` directory.
extension PythonImportGraph {
    /// Resolves import statements against the graph's root, the importing file's pytest base, the
    /// configured roots and, when inference is on, every directory that could be a source root.
    struct RootResolver {
        let names: [Substring: Int]
        /// Top-level name → the configured roots holding a module or package of that name, so an
        /// import is looked up only under the roots that can hold it (a mono-repo has dozens).
        let configured: [Substring: [String]]
        /// Top-level name → the other non-package directories (module prefixes, never the graph
        /// root) holding a module or package of that name. Empty when inference is off.
        let holders: [Substring: [String]]

        /// The first component of every module name: an absolute import whose first component
        /// is not among them cannot resolve at the graph root, so it costs one lookup, not one
        /// per component.
        let tops: Set<Substring>

        init(names: [Substring: Int], roots: [String], modules: [(name: String, isPackage: Bool)], infers: Bool) {
            self.names = names
            tops = Set(names.keys.map { name in name.utf8.firstIndex(of: UInt8(ascii: ".")).map { name[..<$0] } ?? name })
            guard infers || !roots.isEmpty else {
                (configured, holders) = ([:], [:])
                return
            }
            var packages: Set<Substring> = []
            for module in modules where module.isPackage { packages.insert(Substring(module.name)) }
            let roots = Set(roots.map { Substring($0) })
            var configured: [Substring: Set<Substring>] = [:]
            var found: [Substring: Set<Substring>] = [:]
            for module in modules {
                let name = Substring(module.name)
                var start = name.startIndex
                // Each dot splits the name into a directory prefix and the next component.
                while let dot = name[start...].utf8.firstIndex(of: UInt8(ascii: ".")) {
                    let prefix = name[..<dot]
                    let afterDot = name.index(after: dot)
                    let component = name[afterDot..<(name[afterDot...].utf8.firstIndex(of: UInt8(ascii: ".")) ?? name.endIndex)]
                    if roots.contains(prefix) {
                        configured[component, default: []].insert(prefix)
                    } else if packages.contains(prefix) {
                        break  // a regular package and every directory inside one are not `sys.path` entries
                    } else if infers {
                        found[component, default: []].insert(prefix)
                    }
                    start = afterDot
                }
            }
            self.configured = configured.mapValues { $0.map(String.init).sorted() }
            holders = found.mapValues { $0.map(String.init).sorted() }
        }

        /// The internal modules `statement` in `file` may load. `inferred` collects, per inferred
        /// directory, the first import found only there.
        func resolve(_ statement: PythonImport, in file: PythonSourceFile, inferred: inout [String: String]) -> [Int] {
            guard statement.level == 0 else { return PythonImportGraph.resolve(statement, in: file, names: names) }
            let target = statement.target
            let top = target.utf8.firstIndex(of: UInt8(ascii: ".")).map { target[..<$0] } ?? target[...]
            var found: [Int] = []
            if tops.contains(top), let direct = PythonImportGraph.nearestExisting(Substring(target), names: names) {
                found.append(direct)
            }
            // pytest's `prepend` import mode puts the test file's base directory on sys.path.
            if let base = file.importBase, let viaBase = existing(target, under: base), !found.contains(viaBase) {
                found.append(viaBase)
            }
            for root in configured[top] ?? [] where root != file.importBase {
                if let module = existing(target, under: root), !found.contains(module) { found.append(module) }
            }
            guard found.isEmpty, !holders.isEmpty else { return found }
            for holder in holders[top] ?? [] {
                guard let module = existing(target, under: holder), !found.contains(module) else { continue }
                found.append(module)
                if inferred[holder] == nil { inferred[holder] = "\(file.path):\(statement.line) imports \(target)" }
            }
            return found
        }

        /// `root.target`, or its nearest ancestor that is a module, stopping before `root` itself
        /// (a directory on `sys.path` is not a module of the import).
        func existing(_ target: String, under root: String) -> Int? {
            if root.isEmpty { return PythonImportGraph.nearestExisting(Substring(target), names: names) }
            let full = root + "." + target
            var candidate = Substring(full)
            while candidate.utf8.count > root.utf8.count {
                if let index = names[candidate] { return index }
                guard let dot = candidate.utf8.lastIndex(of: UInt8(ascii: ".")) else { return nil }
                candidate = candidate[..<dot]
            }
            return nil
        }
    }

    /// The modules an absolute dotted name may load, looked up under the graph's root and its
    /// `roots` (as a `-p` plugin or a `pytest_plugins` entry is): empty when none holds it.
    public func modules(importedAs name: String) -> [Int] {
        let resolver = RootResolver(names: indexByName, roots: [], modules: [], infers: false)
        var result: [Int] = []
        if let direct = resolver.existing(name, under: "") { result.append(direct) }
        for root in roots {
            if let module = resolver.existing(name, under: root), !result.contains(module) { result.append(module) }
        }
        for (root, _) in inferredRoots {
            if let module = resolver.existing(name, under: root), !result.contains(module) { result.append(module) }
        }
        return result
    }
}
