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

    init(repository: GitRepository, head: String, diffBase: String, changes: [ChangedPath], rules: ImpactRules) {
        self.repository = repository
        self.head = head
        self.diffBase = diffBase
        self.changes = changes
        self.rules = rules
    }

    /// The import graphs of the Python files under `directory` (repository-relative) at head,
    /// and at the diff base when the change touched a Python file there (else nil). Built once
    /// per directory.
    public mutating func pythonGraphs(under directory: String) throws(TestfleetError)
        -> (head: PythonImportGraph, base: PythonImportGraph?)
    {
        if let cached = pythonGraphs[directory] { return cached }
        let headGraph = try ImpactAnalysis.pythonGraph(repository, at: head, directory: directory)
        let needsBase = changes.contains { change in
            change.sides.contains { $0.atBase && $0.path.hasSuffix(".py") && ImpactAnalysis.isInside($0.path, directory) }
        }
        let baseGraph = needsBase ? try ImpactAnalysis.pythonGraph(repository, at: diffBase, directory: directory) : nil
        pythonGraphs[directory] = (headGraph, baseGraph)
        return (headGraph, baseGraph)
    }
}
