public import Model
public import Selection

/// What an `ImpactProvider` may read: the repository at both ends of the change being selected
/// for, the change itself, the rules, and the Python import graphs already built for another
/// suite in the same directory.
public struct ImpactSources {
    public let repository: GitRepository
    /// The commit under test.
    public let head: String
    /// The commit the diff starts from (see `ImpactAnalysis`).
    public let diffBase: String
    public let changes: [ChangedPath]
    public let rules: ImpactRules
    private var pythonGraphs: [String: (head: PythonImportGraph, base: PythonImportGraph?)] = [:]
    /// Scanned imports per git blob, kept between runs (see `ScanCache`); loaded on first use.
    private var scanCache: ScanCache?

    init(repository: GitRepository, head: String, diffBase: String, changes: [ChangedPath], rules: ImpactRules) {
        self.repository = repository
        self.head = head
        self.diffBase = diffBase
        self.changes = changes
        self.rules = rules
    }

    /// The import graphs of the Python files under `directory` (repository-relative) at head,
    /// and at the diff base when the change touched a Python file there (else nil), with the
    /// suite's module layout (roots, plugins, test file names; see `PythonProjectSettings`).
    /// Built once per directory and set of roots.
    public mutating func pythonGraphs(for suite: SuiteDefinition, under directory: String) throws(TestfleetError)
        -> (head: PythonImportGraph, base: PythonImportGraph?, layout: PythonProjectLayout)
    {
        let files = try ImpactAnalysis.innerFiles(repository, at: head, directory: directory)
        let repository = self.repository
        let head = self.head
        let layout = try PythonProjectSettings.layout(directory: directory, paths: files.map(\.path), suite: suite) {
            (paths) throws(TestfleetError) in
            try repository.contents(at: head, paths: paths).map { String(decoding: $0, as: UTF8.self) }
        }
        let key = directory + "\u{0}" + layout.modulePrefixes.joined(separator: ":")
        if let cached = pythonGraphs[key] { return (cached.head, cached.base, layout) }
        var cache: ScanCache
        if let loaded = scanCache {
            cache = loaded
        } else {
            cache = ScanCache(gitDirectory: try repository.gitDirectory())
        }
        defer { scanCache = cache }
        let headGraph = try ImpactAnalysis.pythonGraph(
            repository, directory: directory, files: files, layout: layout, cache: &cache)
        let needsBase = changes.contains { change in
            change.sides.contains { $0.atBase && $0.path.hasSuffix(".py") && ImpactAnalysis.isInside($0.path, directory) }
        }
        let baseGraph = needsBase
            ? try ImpactAnalysis.pythonGraph(
                repository, directory: directory, files: ImpactAnalysis.innerFiles(repository, at: diffBase, directory: directory),
                layout: layout, cache: &cache)
            : nil
        pythonGraphs[key] = (headGraph, baseGraph)
        return (headGraph, baseGraph, layout)
    }

    /// Writes the scan cache when this selection scanned something new.
    func saveScanCache() {
        if let scanCache, scanCache.changed { scanCache.save() }
    }
}
