/// A suite as impact selection sees it: where it lives in the repository, the graph that maps
/// its files to its tests, and its tests.
public struct ImpactSuite: Sendable {
    public enum Graph: Sendable {
        /// A pytest suite: the import graph of the sources under its directory at head, and at
        /// base when paths were deleted or renamed (to find who imported them).
        case python(head: PythonImportGraph, base: PythonImportGraph?)
        /// A swift suite: its package's target graph.
        case swift(SwiftTargetGraph)
        /// No graph (go, shell, simulated): only rules and the unknown-path rule select it.
        case none
    }

    public var name: String
    /// Repository-relative directory, `/`-separated, "" for the repository root.
    public var directory: String
    public var graph: Graph
    /// The tests, sorted: for a pytest suite the paths of its test modules relative to
    /// `directory` (pytest's file node ids); for a swift suite its test target names. Empty for
    /// a suite whose tests are not known one by one: it is selected whole.
    public var tests: [String] {
        didSet { testSet = Set(tests) }
    }
    /// `tests` as a set, for constant-time membership with a million tests.
    private(set) var testSet: Set<String>
    /// For a pytest suite: its module roots, plugins and test file names, for `--explain` and
    /// for the plugins every test loads.
    public var layout = PythonProjectLayout()

    public init(name: String, directory: String, graph: Graph, tests: [String]) {
        self.name = name
        self.directory = directory
        self.graph = graph
        self.tests = tests.sorted()
        self.testSet = Set(tests)
    }

    /// A pytest suite whose tests are the modules of `head` whose file names match the rules'
    /// test file patterns or the layout's.
    public static func python(
        name: String, directory: String, head: PythonImportGraph, base: PythonImportGraph?, rules: ImpactRules,
        layout: PythonProjectLayout = PythonProjectLayout()
    ) -> ImpactSuite {
        let extra = layout.testFilePatterns.compactMap { try? PathGlob($0) }
        let tests = head.paths.filter { path in
            let fileName = path.utf8.lastIndex(of: UInt8(ascii: "/")).map { path[path.index(after: $0)...] } ?? path[...]
            return rules.isPythonTestFile(fileName) || extra.contains { $0.matches(String(fileName)) }
        }
        var suite = ImpactSuite(name: name, directory: directory, graph: .python(head: head, base: base), tests: tests)
        suite.layout = layout
        return suite
    }

    /// Whether `path` (suite-relative) is one of the suite's test files.
    func isTest(_ path: String) -> Bool { testSet.contains(path) }

    /// A swift suite whose tests are its package's test targets.
    public static func swift(name: String, directory: String, targets: SwiftTargetGraph) -> ImpactSuite {
        ImpactSuite(name: name, directory: directory, graph: .swift(targets), tests: targets.testTargetNames)
    }

    /// `path` (repository-relative) relative to this suite's directory, or nil when outside it.
    public func innerPath(_ path: String) -> String? {
        if directory.isEmpty { return path }
        guard path.hasPrefix(directory + "/") else { return nil }
        return String(path.dropFirst(directory.count + 1))
    }
}
