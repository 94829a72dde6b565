import Foundation
public import Model
public import Selection

/// What `testfleet select` reports: the revisions compared, the changed paths, the selection.
public struct ImpactReport: Sendable {
    public var base: String
    public var head: String
    /// The commit the diff starts from: the merge base of base and head (see `ImpactAnalysis`).
    public var diffBase: String
    public var changes: [ChangedPath]
    public var selection: ImpactSelection
    /// The high-watermark check, when the rules name a watermark file that some commit reachable
    /// from head changed; `watermark?.reason` is set when the build must rebase.
    public var watermark: Watermark?
}

/// Impact selection against a real repository: reads the changes, the Python sources at both
/// ends and the Swift package descriptions, then runs the pure `ImpactSelector`.
///
/// The diff is `git diff -M $(git merge-base base head) head`, i.e. `git diff base...head`: the
/// changes the head branch made since it forked from base. A two-dot diff would also list, in
/// reverse, everything merged into base since the fork; those paths are not the pull request's
/// and would only make selection run more. When the histories share no commit, the two-dot diff
/// is used (everything that differs).
public enum ImpactAnalysis {
    /// Selects the tests of `suites` affected by the changes from `base` to `head` in the
    /// repository containing `directory`. `providers` gives each framework's `ImpactProvider`
    /// (the test adapters); a suite whose framework has none is one the selector cannot see into.
    public static func select(
        in directory: String, base: String, head: String, suites: [SuiteDefinition], rules: ImpactRules,
        providers: (AdapterKind) -> (any ImpactProvider)?
    ) throws(TestfleetError) -> ImpactReport {
        let repository = try GitRepository(containing: directory)
        let baseCommit = try repository.commit(base)
        let headCommit = try repository.commit(head)
        let diffBase = try repository.mergeBase(baseCommit, headCommit) ?? baseCommit
        let changes = try repository.changedPaths(from: diffBase, to: headCommit)
        let watermark = try rules.highWatermark.flatMap { (path) throws(TestfleetError) in
            try Watermark.check(repository, path: path, base: baseCommit, head: headCommit)
        }

        var sources = ImpactSources(repository: repository, head: headCommit, diffBase: diffBase, changes: changes, rules: rules)
        var impactSuites: [ImpactSuite] = []
        for suite in suites {
            let relative = try relativeDirectory(suite.directory, in: repository.root, suite: suite.name)
            if let provider = providers(suite.adapter) {
                impactSuites.append(try provider.impactSuite(suite, directory: relative, sources: &sources))
            } else {
                impactSuites.append(ImpactSuite(name: suite.name, directory: relative, graph: .none, tests: []))
            }
        }
        sources.saveScanCache()
        let selection = ImpactSelector(suites: impactSuites, rules: rules).select(changes)
        return ImpactReport(base: baseCommit, head: headCommit, diffBase: diffBase, changes: changes, selection: selection,
                            watermark: watermark)
    }

    /// The files under `directory` at `commit`, paths relative to it, with their blob ids.
    static func innerFiles(_ repository: GitRepository, at commit: String, directory: String) throws(TestfleetError)
        -> [(path: String, blob: GitObjectID)]
    {
        try repository.blobIDs(at: commit, under: directory, dropping: directory.isEmpty ? 0 : directory.utf8.count + 1)
    }

    /// The import graph of the Python files among `files` (relative to `directory`), module names
    /// relative to it (prefixed with its name when it is itself a package), absolute imports
    /// looked up under the layout's roots and, failing those, wherever they can be found. Only
    /// blobs missing from `cache` are read and scanned.
    static func pythonGraph(
        _ repository: GitRepository, directory: String, files: [(path: String, blob: GitObjectID)],
        layout: PythonProjectLayout, cache: inout ScanCache
    ) throws(TestfleetError) -> PythonImportGraph {
        let rootPackage = files.contains { $0.path == "__init__.py" } ? directory.split(separator: "/").last.map(String.init) : nil
        let python = files.filter { $0.path.hasSuffix(".py") }
        let entries = PythonModuleLayout.entries(paths: python.map(\.path), rootPackage: rootPackage, mode: .complete)
        // The complete mode keeps every file, in order; the lookup is for any other.
        let blobs: [GitObjectID]
        if entries.count == python.count {
            blobs = python.map(\.blob)
        } else {
            var blobByPath: [String: GitObjectID] = [:]
            for file in python { blobByPath[file.path] = file.blob }
            blobs = entries.map { blobByPath[$0.path]! }
        }
        var imports = blobs.map { cache.imports(of: $0) }
        let missing = imports.indices.filter { imports[$0] == nil }
        if !missing.isEmpty {
            let scanned = PythonSourceTree.scan(try repository.contents(objects: missing.map { blobs[$0].description }))
            for (index, result) in zip(missing, scanned) {
                imports[index] = result
                cache.store(result, for: blobs[index])
            }
        }
        return PythonSourceTree.graph(
            entries: entries, imports: imports.map { $0! }, roots: rootPackage == nil ? layout.modulePrefixes : [],
            infersRoots: true)
    }

    /// `directory` (absolute) relative to the repository root; "" for the root itself.
    static func relativeDirectory(_ directory: String, in root: String, suite: String) throws(TestfleetError) -> String {
        let resolvedRoot = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        let resolved = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        if resolved == resolvedRoot { return "" }
        guard resolved.hasPrefix(resolvedRoot + "/") else {
            throw TestfleetError.badInput(
                "suite '\(suite)' lives in \(directory), outside the repository \(root); "
                    + "impact selection needs every suite inside the repository it diffs")
        }
        return String(resolved.dropFirst(resolvedRoot.count + 1))
    }

    static func isInside(_ path: String, _ directory: String) -> Bool {
        directory.isEmpty || path.hasPrefix(directory + "/")
    }
}
