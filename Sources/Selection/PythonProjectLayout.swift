/// How Python sees a pytest suite's files: the directories on `sys.path` (module roots), the
/// plugin modules pytest loads for every test, and the file names that are tests. Built from the
/// project's own settings (pytest's ini files, packaging metadata, the suite's `PYTHONPATH`) and
/// from the file list; every entry says where it came from so `select --explain` can show it.
public struct PythonProjectLayout: Sendable, Hashable {
    /// One directory on `sys.path`, relative to the suite directory ("" is the suite directory).
    public struct Root: Sendable, Hashable {
        public var directory: String
        public var reason: String
    }

    /// A module pytest imports before any test (`-p name`, a `pytest11` entry point).
    public struct Plugin: Sendable, Hashable {
        public var module: String
        public var reason: String

        public init(module: String, reason: String) {
            self.module = module
            self.reason = reason
        }
    }

    public private(set) var roots: [Root]
    public var plugins: [Plugin] = []
    /// Test file name patterns besides the rules' (pytest's `python_files`; `*.py` under
    /// `--doctest-modules`, where every module holds tests).
    public var testFilePatterns: [String] = []
    /// What could not be understood, and what selection does about it.
    public var notes: [String] = []

    /// The suite directory alone.
    public init() {
        roots = [
            Root(
                directory: "",
                reason: "the suite directory: pytest's rootdir, on sys.path under `python -m pytest` or an installed project")
        ]
    }

    /// Adds a root given relative to the suite directory (`./src/`, `src`); one outside the suite
    /// directory is noted instead, since its files are not in the suite's graph (a change there
    /// is an unknown path, which runs everything).
    public mutating func addRoot(_ directory: String, reason: String) {
        var parts: [Substring] = []
        for part in directory.split(separator: "/") where part != "." {
            if part == ".." {
                guard !parts.isEmpty else {
                    notes.append("root '\(directory)' (\(reason)) is outside the suite directory; changes there run everything")
                    return
                }
                parts.removeLast()
            } else {
                parts.append(part)
            }
        }
        let normalized = parts.joined(separator: "/")
        if let existing = roots.firstIndex(where: { $0.directory == normalized }) {
            if !roots[existing].reason.contains(reason) { roots[existing].reason += "; " + reason }
            return
        }
        roots.append(Root(directory: normalized, reason: reason))
    }

    /// Adds the roots the file list itself shows: a `src/` directory that is not a package but
    /// holds Python code (the src layout, regular or namespace packages).
    public mutating func addLayoutRoots(paths: [String]) {
        guard !paths.contains("src/__init__.py"),
            let example = paths.first(where: { $0.hasPrefix("src/") && $0.hasSuffix(".py") })
        else { return }
        addRoot("src", reason: "src layout: \(example), and src/ is not a package")
    }

    /// The roots other than the suite directory as module prefixes (`src/lib` → `src.lib`), for
    /// `PythonImportGraph`.
    public var modulePrefixes: [String] {
        roots.compactMap { root in
            root.directory.isEmpty ? nil : root.directory.split(separator: "/").joined(separator: ".")
        }
    }
}
