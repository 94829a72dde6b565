public import Model

/// What a finished build looks like to whoever waited for it.
public struct BuildOutcome: Sendable {
    public var build: String
    public var verdict: Verdict
    public var exitCode: Int32
}

/// Turns a submitted spec into a planned build (inventory + predictions). The CLI provides it
/// (the build lifecycle's `plan`), since taking an inventory needs the test adapters, which are
/// not the coordinator's. Input it cannot use is a bad-input `TestfleetError`.
public typealias BuildPlanner = @Sendable (BuildSpec) throws -> PlannedBuild

/// Takes a build that `submit` planned in the CI checkout: validates it (bad input names the
/// problem) and gives each test a prediction from the coordinator's timing history (the
/// submitter has no history; the coordinator has every build's). Cheap: no project command runs.
public typealias PlanAccepter = @Sendable (PlannedBuild) throws -> PlannedBuild

/// Finishes a build whose tests all have results: the CLI provides the build lifecycle's
/// `finish` (the analyser's gate, the stored verdict, the timing history, the analysis
/// snapshot), so the coordinator does not store verdicts itself. For a build already finished it
/// only re-judges it. Returns the verdict and the exit code (0 pass, 1 fail).
public typealias VerdictProvider = @Sendable (String) throws -> (Verdict, Int32)

/// Renders a finished build's stored results as a document in a format a client asked for
/// (`"junit"`): the bytes, or an error naming what is wrong (unknown build or format).
public typealias ReportProvider = @Sendable (_ build: String, _ format: String) throws -> [UInt8]
