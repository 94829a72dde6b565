/// One test to run in a build: its name, its suite, and (once planned) where it may run and how
/// long it is expected to take.
public struct TestCase: Sendable, Hashable {
    public var name: String
    /// Index into the build's suites.
    public var suite: Int
    /// Expected duration in seconds (from history, or the suite's fallback).
    public var predicted: Double
    /// The queue key of the group this test runs with (0: no group). A planner gives the tests
    /// of one pytest suite one key (a share of the suite's predicted seconds), so the queue keeps
    /// them in their collection order and a grant takes a run of it (see `CollectionOrder`).
    public var groupWork: Double = 0
    /// When set, only a worker of this arch may run it (`every`-arch tests become one case per arch).
    public var arch: Arch?
    /// The worker share whose warm session already collected this test's file (a first build's
    /// listing, split among local workers: `PlannedBuild.homes`), nil when none did. The queue
    /// gives it to that worker first; any other worker may still take it.
    public var home: UInt8?
    /// A known break: every stored run of it failed, at least a build's worth with confirmation
    /// runs, and none passed (`Store.failuresOfNeverPassed`), and nothing it depends on changed since the
    /// previous build (the lapse). It gets one retry and no confirmation runs: more could only
    /// repeat what its history says.
    public var knownBreak = false
    /// No stored run of it did anything but fail, as far as planning looked: the suite has no
    /// previous build, or the test failed every attempt of the previous one and the store holds
    /// no other outcome of it (`Store.failuresOfNeverPassed`). Once this build cannot
    /// pass, past its first failing tests, it gets no retries if it fails
    /// (`BuildState.retriedTestsOnceLost`).
    public var neverPassed = false
    /// At most this many of the previous build's failures are looked up for `neverPassed`.
    public static let neverPassedLookups = 500
    /// Past this many failures in the previous build (a broad break, an outage) no test is
    /// looked up as a known break: beyond `--confirm-limit` tests none gets confirmation runs.
    public static let knownBreakLookups = 100
    /// Position in the build's list of tests (lets a coordinator find a test's state without
    /// hashing its name).
    public var index: Int

    /// What the pending queue orders by, largest first: the group's work for grouped tests, else
    /// the test's own prediction.
    public var queueKey: Double { groupWork > 0 ? groupWork : predicted }

    public init(name: String, suite: Int, predicted: Double = 0, arch: Arch? = nil, index: Int = 0) {
        self.name = name
        self.suite = suite
        self.predicted = predicted
        self.arch = arch
        self.index = index
    }
}
