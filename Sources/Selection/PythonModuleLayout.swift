/// Decides which files under a root are Python modules and what they are called, from the list
/// of file paths alone (so the same rules apply to a directory on disk and to a git tree).
public struct PythonModuleLayout: Sendable {
    /// One module file: its root-relative path and its place in the namespace.
    public struct Entry: Sendable, Hashable {
        public var path: String
        public var module: String
        public var isPackage: Bool
        public var importBase: String?
    }

    /// How strictly to follow grimp's module finder.
    public enum Mode: Sendable {
        /// grimp's rules, for comparing graphs: inside a regular package (one with
        /// `__init__.py`) a directory without `__init__.py` is not entered, directories whose
        /// names are not identifiers are skipped, and so are hidden files and names with extra
        /// dots.
        case grimpCompatible
        /// Every `.py` file is a module, wherever it is: test selection must know every file
        /// that can be imported (pytest imports test files in plain directories too).
        case complete
    }

    /// The module files among `paths` (root-relative, `/`-separated). `rootPackage` is the root's
    /// own package name when the root directory has an `__init__.py` (then it prefixes every
    /// name), nil for a source root.
    public static func entries(paths: [String], rootPackage: String?, mode: Mode) -> [Entry] {
        var packageDirectories: Set<Substring> = []
        for path in paths where path == "__init__.py" || path.hasSuffix("/__init__.py") {
            packageDirectories.insert(path.dropLast("__init__.py".count).dropLast())  // "" for the root
        }
        var entries: [Entry] = []
        entries.reserveCapacity(paths.count)
        // A mono-repo's 28,000 files live in about a thousand directories: each directory's
        // import base is found once.
        var importBases: [Substring: String?] = [:]
        for path in paths where path.hasSuffix(".py") {
            guard var entry = entry(for: path, rootPackage: rootPackage, mode: mode, packages: packageDirectories)
            else { continue }
            if rootPackage == nil, let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) {
                let directory = path[..<slash]
                if let known = importBases[directory] {
                    entry.importBase = known
                } else {
                    let base = importBase(of: path, packages: packageDirectories, rootPackage: rootPackage)
                    importBases[directory] = .some(base)
                    entry.importBase = base
                }
            }
            entries.append(entry)
        }
        return entries
    }

    private static func entry(
        for path: String, rootPackage: String?, mode: Mode, packages: Set<Substring>
    ) -> Entry? {
        if case .grimpCompatible = mode {
            let components = path.split(separator: "/", omittingEmptySubsequences: false)
            let fileName = components[components.count - 1]
            if fileName.hasPrefix(".") || fileName.utf8.count(where: { $0 == UInt8(ascii: ".") }) > 1 { return nil }
            var insidePackage = rootPackage != nil
            var end = path.startIndex
            for directory in components.dropLast() {
                guard isIdentifier(directory) else { return nil }
                end = path.index(end, offsetBy: directory.count + (end == path.startIndex ? 0 : 1))
                let isPackageDirectory = packages.contains(path[path.startIndex..<end])
                if insidePackage && !isPackageDirectory { return nil }
                if isPackageDirectory { insidePackage = true }
            }
        }
        let (module, isPackage) = PythonSourceFile.moduleName(forPath: path, rootPackage: rootPackage)
        // The import base depends on the directory only; `entries` fills it in.
        return Entry(path: path, module: module, isPackage: isPackage, importBase: nil)
    }

    /// The module prefix of the nearest ancestor directory without `__init__.py` (what pytest's
    /// `prepend` mode puts on `sys.path`), nil when that is the root or above it.
    private static func importBase(of path: String, packages: Set<Substring>, rootPackage: String?) -> String? {
        guard rootPackage == nil else { return nil }
        var directory = Substring(path)
        while let slash = directory.utf8.lastIndex(of: UInt8(ascii: "/")) {
            directory = directory[..<slash]
            if !packages.contains(directory) {
                return directory.slashesToDots()
            }
        }
        return nil
    }

    /// Python's identifier rule for ASCII names; non-ASCII letters are accepted as they are.
    static func isIdentifier(_ name: Substring) -> Bool {
        guard let first = name.utf8.first, first.isIdentifierStart else { return false }
        return name.utf8.allSatisfy(\.isIdentifierContinue)
    }
}

extension Substring {
    /// `a/b/c` → `a.b.c`.
    fileprivate func slashesToDots() -> String {
        String(decoding: utf8.map { $0 == UInt8(ascii: "/") ? UInt8(ascii: ".") : $0 }, as: UTF8.self)
    }
}
