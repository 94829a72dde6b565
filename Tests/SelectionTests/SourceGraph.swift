import Selection

/// A graph from (path, source) pairs laid out like a directory (mode `complete`), scanned in
/// memory: the graph tests' one way to build one.
func sourceGraph(
    _ files: [(String, String)], rootPackage: String? = nil, roots: [String] = [], infersRoots: Bool = false
) -> PythonImportGraph {
    let sources = Dictionary(uniqueKeysWithValues: files)
    let entries = PythonModuleLayout.entries(paths: files.map(\.0), rootPackage: rootPackage, mode: .complete)
    return PythonImportGraph(
        files: entries.map { entry in
            PythonSourceFile(
                path: entry.path, module: entry.module, isPackage: entry.isPackage, importBase: entry.importBase,
                imports: PythonImportScanner.scan(sources[entry.path]!))
        }, roots: roots, infersRoots: infersRoots)
}
