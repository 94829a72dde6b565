/// The outcome of impact selection: which tests run and why, which are skipped and why, and how
/// each changed path was understood.
public struct ImpactSelection: Sendable {
    /// One selected test (or a whole suite when `test` is nil) with the chains of reasons.
    public struct Selected: Sendable, Hashable {
        public var suite: String
        public var test: String?
        /// Each chain runs from a changed file through the import (or target) path to the test,
        /// e.g. `["pkg/util.py (modified)", "pkg.util", "pkg.core imports pkg.util (line 3)",
        /// "tests.test_core imports pkg.core (line 1)"]`.
        public var reasons: [[String]]
    }

    /// One test not selected, with why.
    public struct Skipped: Sendable, Hashable {
        public var suite: String
        public var test: String?
        public var why: String
    }

    /// How one changed path was classified.
    public struct PathNote: Sendable, Hashable {
        public var change: ChangedPath
        public var notes: [String]
    }

    /// Non-empty when every test runs; each entry says why (force-full path, unknown path, a
    /// rule matching no test, …).
    public var runAllReasons: [String]
    public var selected: [Selected]
    public var skipped: [Skipped]
    public var paths: [PathNote]
    /// For each pytest suite, how its files were mapped to modules: the roots used and why, the
    /// roots inferred from imports, the plugins, and what was not understood.
    public var layout: [String] = []

    public var runsEverything: Bool { !runAllReasons.isEmpty }
}
