public import Model

/// A build ready to dispatch: its spec, its suites and every test with a prediction.
public struct PlannedBuild: Sendable {
    public var spec: BuildSpec
    public var suites: [SuiteDefinition]
    /// `tests[i].index == i`; `tests[i].suite` indexes `suites`.
    public var tests: [TestCase]
    /// Seconds one grant costs before its first test runs (process start-up): sizes chunks.
    public var grantCost: Double
    /// What impact selection kept and skipped (nil without `--base/--head`); stored with the build.
    public var selection: BuildSelection?

    public init(
        spec: BuildSpec, suites: [SuiteDefinition], tests: [TestCase], grantCost: Double,
        selection: BuildSelection? = nil
    ) {
        self.spec = spec
        self.suites = suites
        self.tests = tests
        for i in self.tests.indices { self.tests[i].index = i }
        self.grantCost = grantCost
        self.selection = selection
    }
}

/// What a finished build looks like to whoever waited for it.
public struct BuildOutcome: Sendable {
    public var build: String
    public var verdict: Verdict
    public var exitCode: Int32
}

/// Turns a submitted spec into a planned build (inventory + predictions). The CLI provides it,
/// since taking an inventory needs the test adapters, which are not the coordinator's.
public typealias BuildPlanner = @Sendable (BuildSpec) throws -> PlannedBuild

/// Computes a finished build's verdict from the store (the analyser's gate). Returns the verdict
/// and the exit code (0 pass, 1 fail).
public typealias VerdictProvider = @Sendable (String) throws -> (Verdict, Int32)

/// Renders a finished build's stored results as a document in a format a client asked for
/// (`"junit"`): the bytes, or an error naming what is wrong (unknown build or format).
public typealias ReportProvider = @Sendable (_ build: String, _ format: String) throws -> [UInt8]
