public import Model

/// The selection rules of a suite file's `[rules]` table. Pure values; `ImpactSelector` applies
/// them. Safety first: every rule can only add tests to a selection or force a full run, except
/// an explicit mapping of a path to nothing (`"docs/**" = []`), which says "this path affects no
/// test" so it is not treated as unknown.
///
/// ```toml
/// [rules]
/// force_full_run = ["ci/**", "fixtures/db.sql"]   # added to the built-in list below
/// always_run = ["unit::tests/test_smoke.py", "SwiftModelTests"]
/// high_watermark = ".testfleet/watermark"           # the gate's high-watermark file: forces a full run
/// python_test_files = ["test_*.py", "*_test.py"]     # pytest's python_files
///
/// [rules.paths]
/// "docs/**" = []                                     # affects no test
/// "schemas/*.json" = ["api", "unit::tests/test_schema*.py"]
/// ```
///
/// A test reference is `suite` (every test of it), `suite::test-glob`, or a test glob matched in
/// every suite. A reference that matches no test at selection time forces a full run, so a
/// stale rule can never hide tests.
public struct ImpactRules: Sendable, Hashable {
    /// One `[rules.paths]` entry.
    public struct PathRule: Sendable, Hashable {
        public var glob: PathGlob
        public var targets: [TestReference]
        public init(glob: PathGlob, targets: [TestReference]) {
            self.glob = glob
            self.targets = targets
        }
    }

    /// Paths whose change runs every test: lockfiles and build manifests (they change what every
    /// test runs against), CI configuration, the suite file itself.
    public static let builtInForceFullRun: [String] = [
        "**/requirements*.txt", "**/constraints*.txt", "**/poetry.lock", "**/Pipfile", "**/Pipfile.lock",
        "**/uv.lock", "**/pdm.lock", "**/pyproject.toml", "**/setup.py", "**/setup.cfg", "**/tox.ini",
        "**/pytest.ini", "**/Package.swift", "**/Package.resolved", "**/go.mod", "**/go.sum",
        ".github/**", ".gitlab-ci.yml", ".circleci/**", "Jenkinsfile", "**/testfleet.toml",
    ]

    /// Changed paths matching any of these run everything.
    public var forceFullRun: [PathGlob]
    /// Tests selected on every run.
    public var alwaysRun: [TestReference]
    /// Path globs mapped to the tests they affect, in file order.
    public var paths: [PathRule]
    /// File-name patterns of Python test modules (pytest's `python_files`).
    public var pythonTestFiles: [PathGlob]
    /// The high-watermark file (repository-relative), when configured: a build whose base
    /// predates its newest change must rebase (see `Watermark` in Impact). Also in `forceFullRun`.
    public var highWatermark: String?

    /// Only the built-in force-full list and pytest's default test file names.
    public init() {
        // The built-in patterns are literals known to be valid.
        forceFullRun = Self.builtInForceFullRun.map { try! PathGlob($0) }
        alwaysRun = []
        paths = []
        pythonTestFiles = [try! PathGlob("test_*.py"), try! PathGlob("*_test.py")]
        highWatermark = nil
    }

    public init(forceFullRun: [PathGlob], alwaysRun: [TestReference], paths: [PathRule], pythonTestFiles: [PathGlob]) {
        self.forceFullRun = forceFullRun
        self.alwaysRun = alwaysRun
        self.paths = paths
        self.pythonTestFiles = pythonTestFiles
        self.highWatermark = nil
    }

    /// These rules plus `path` (for example a high-watermark file configured elsewhere) forcing a
    /// full run.
    public func addingForceFullRun(_ path: String) throws(TestfleetError) -> ImpactRules {
        var copy = self
        copy.forceFullRun.append(try PathGlob(path))
        return copy
    }

    /// Whether a file name (no directories) is a Python test module.
    public func isPythonTestFile(_ fileName: some StringProtocol) -> Bool {
        // pytest's defaults without the glob machinery: asked once per file of a 28,000-file tree.
        if pythonTestFiles.count == 2, pythonTestFiles[0].pattern == "test_*.py", pythonTestFiles[1].pattern == "*_test.py",
            !fileName.utf8.contains(UInt8(ascii: "/"))
        {
            return PythonSourceFile.isTestFileName(fileName)
        }
        let name = String(fileName)
        return pythonTestFiles.contains { $0.matches(name) }
    }
}

/// A rule's reference to tests: a whole suite, a test glob within one suite, or a test glob (or
/// suite name) to be looked up in every suite.
public enum TestReference: Sendable, Hashable, CustomStringConvertible {
    case suiteOrTest(String)
    case test(suite: String, glob: String)

    /// Parses `suite::glob` or a bare name.
    public init(_ text: String) throws(TestfleetError) {
        guard !text.isEmpty else { throw TestfleetError.badInput("empty test reference in [rules]; write a suite name or suite::test") }
        if let separator = text.firstRange(ofText: "::") {
            let suite = String(text[..<separator.lowerBound])
            let glob = String(text[separator.upperBound...])
            guard !suite.isEmpty, !glob.isEmpty else {
                throw TestfleetError.badInput("test reference '\(text)' in [rules] needs both parts: suite::test")
            }
            self = .test(suite: suite, glob: glob)
        } else {
            self = .suiteOrTest(text)
        }
    }

    public var description: String {
        switch self {
        case .suiteOrTest(let name): name
        case .test(let suite, let glob): suite + "::" + glob
        }
    }
}

extension String {
    /// The first range of `needle` in the string, without Foundation.
    fileprivate func firstRange(ofText needle: String) -> Range<String.Index>? {
        var start = startIndex
        while start < endIndex {
            if self[start...].hasPrefix(needle) { return start..<index(start, offsetBy: needle.count) }
            start = index(after: start)
        }
        return nil
    }
}
