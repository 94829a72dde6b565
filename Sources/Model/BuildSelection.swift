/// What impact selection did to one build (`testfleet run|submit --base R --head R`): how many
/// tests it kept, which it skipped and why, and whether the high watermark refused the build.
/// The planner fills it, the store keeps it (tables `build_selection`, `selection_skip`), and the
/// gate reads it for the verdict's `skipped_by_selection` and the "rebase required" reason.
public struct BuildSelection: Sendable, Hashable {
    /// One test the selection did not plan, with the selector's reason.
    public struct Skip: Sendable, Hashable {
        /// The suite's name (from the suite file).
        public var suite: String
        /// The test's name as the adapter spells it (a pytest node id, a swift test, …).
        public var test: String
        /// Why it was skipped, e.g. "no changed path reaches it through imports".
        public var reason: String

        public init(suite: String, test: String, reason: String) {
            self.suite = suite
            self.test = test
            self.reason = reason
        }
    }

    /// How many skipped tests are named in `skipped` at most: enough to read, bounded for a
    /// million-test suite.
    public static let skipListCap = 1000

    /// The resolved base and head commits and the commit the diff started from (their merge base).
    public var base: String
    public var head: String
    public var diffBase: String
    /// Tests planned (before per-arch expansion) and tests skipped by selection.
    public var selectedCount: Int
    public var skippedCount: Int
    /// Why everything runs (force-full path, unknown path, …); empty when selection narrowed.
    public var runAllReasons: [String]
    /// The first `skipListCap` skipped tests in plan order; `skippedCount` counts them all.
    public var skipped: [Skip]
    /// Set when the build is refused by the high watermark: the full gate reason
    /// ("rebase required: base … is older than … which changed …"). Such a build plans no tests.
    public var rebaseRequired: String?

    public init(
        base: String, head: String, diffBase: String, selectedCount: Int, skippedCount: Int,
        runAllReasons: [String] = [], skipped: [Skip] = [], rebaseRequired: String? = nil
    ) {
        self.base = base
        self.head = head
        self.diffBase = diffBase
        self.selectedCount = selectedCount
        self.skippedCount = skippedCount
        self.runAllReasons = runAllReasons
        self.skipped = skipped
        self.rebaseRequired = rebaseRequired
    }
}
