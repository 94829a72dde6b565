public import Model

/// One test's result as an adapter reports it, before the worker stamps attempt, worker and arch
/// on it and compresses the output.
public struct AdapterResult: Sendable, Hashable {
    public var name: String
    public var outcome: Outcome
    /// Seconds.
    public var duration: Double
    /// The kept tail of the test's output (at most the suite's output cap).
    public var output: [UInt8]
    /// Bytes dropped from the front of the output because of the cap.
    public var outputDropped: Int
    /// The process the test ran in and its position there, when the adapter knows them (see
    /// `RunPlace`); nil for a test that never ran (refused, never reported).
    public var place: RunPlace?
    /// Seconds its setup spent making session-scoped fixtures, left out of `duration`: what its
    /// process paid once (see `TestResult.sharedSetup`).
    public var sharedSetup: Double = 0

    public init(name: String, outcome: Outcome, duration: Double, output: [UInt8] = [], outputDropped: Int = 0,
                place: RunPlace? = nil) {
        self.name = name
        self.outcome = outcome
        self.duration = duration
        self.output = output
        self.outputDropped = outputDropped
        self.place = place
    }
}

/// A test framework: how to list a suite's tests and how to run a batch of them. One adapter per
/// file. `run` reports every requested test exactly once (a test the framework never reported
/// comes back as `.error` with an explanation, never as a silent pass).
public protocol TestAdapter: Sendable {
    /// The suite's test names, in the framework's order.
    func inventory(of suite: SuiteDefinition) throws -> [String]

    /// Runs `tests` (all from `suite`), calling `report` once per test as results become known.
    /// `attempt` is 1 for a first run; the simulated adapter uses it for flaky draws.
    func run(_ tests: [String], of suite: SuiteDefinition, attempt: Int, report: (AdapterResult) -> Void)

    /// Seconds one grant of this framework costs before its first test runs (process start-up,
    /// collection): sizes the scheduler's chunks.
    var grantCost: Double { get }

    /// The prediction for a test with no history anywhere (not even its file's or suite's); nil
    /// means the timing model's generic fallback. See `TestAdapter+Planning.swift` for defaults.
    var typicalTestSeconds: Double? { get }

    /// File endings under a suite's directory whose changes can change its test list (sources,
    /// configs); nil when the list must be taken afresh for every build.
    var inventoryFileExtensions: Set<String>? { get }

    /// When the framework collects (imports) every file a process is given: what collecting one
    /// file costs beyond its tests' durations, and grants then hand out runs of its collection
    /// order (`CollectionOrder`). Nil: tests are scheduled one by one, longest first.
    var fileCollectionSeconds: Double? { get }

    /// Seconds each test takes beyond the duration it reports (the framework's own per-test
    /// hooks and reporting, testfleet's round trip for its result): added to every prediction,
    /// so a grant of a thousand 1 ms tests is sized by what it takes, not by its durations alone.
    var testOverheadSeconds: Double { get }
}
