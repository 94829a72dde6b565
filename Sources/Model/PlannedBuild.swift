/// A build ready to dispatch: its spec, its suites and every test with a prediction.
public struct PlannedBuild: Sendable, Equatable {
    public var spec: BuildSpec
    public var suites: [SuiteDefinition]
    /// `tests[i].index == i`; `tests[i].suite` indexes `suites`.
    public var tests: [TestCase]
    /// Seconds one grant costs before its first test runs (process start-up): sizes chunks.
    public var grantCost: Double
    /// What impact selection kept and skipped (nil without `--base/--head`); stored with the build.
    public var selection: BuildSelection?
    /// Worker id → the share (`TestCase.home`) its warm session collected. Set by a local run
    /// whose workers split the first listing; empty otherwise, and never sent over the wire.
    public var homes: [String: UInt8] = [:]
    /// Set by `submit` where it could measure the change since the suite's previous build
    /// (`BuildLifecycle.affectedFailures`); nil where it could not: history alone decides then.
    public var affectedFailures: AffectedFailures?
    /// The suite has no previous build: no test of it has a record, so every one counts as
    /// `TestCase.neverPassed` for want of evidence, not by it (`BuildState.retriesSpent(by:)`
    /// asks more of those). Set by planning where the store is (locally, or by the coordinator
    /// accepting a plan); never sent over the wire.
    public var firstBuild = false
    /// Seconds a new test process of the build's suites pays for what it makes once (pytest's
    /// session-scoped fixtures), as the suite's previous build measured it (`TestResult.sharedSetup`):
    /// what tests sent to a process of their own, behind a session's place, cost beyond their
    /// own time. 0 when unknown. Set by planning where the store is; never sent over the wire.
    public var processSetupSeconds = 0.0

    public init(
        spec: BuildSpec, suites: [SuiteDefinition], tests: [TestCase], grantCost: Double,
        selection: BuildSelection? = nil, firstBuild: Bool = false, processSetupSeconds: Double = 0
    ) {
        self.spec = spec
        self.firstBuild = firstBuild
        self.processSetupSeconds = processSetupSeconds
        self.suites = suites
        self.tests = tests
        for i in self.tests.indices { self.tests[i].index = i }
        self.grantCost = grantCost
        self.selection = selection
    }
}
