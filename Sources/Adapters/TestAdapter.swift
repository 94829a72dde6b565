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

    public init(name: String, outcome: Outcome, duration: Double, output: [UInt8] = [], outputDropped: Int = 0) {
        self.name = name
        self.outcome = outcome
        self.duration = duration
        self.output = output
        self.outputDropped = outputDropped
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
}
