public import ArgumentParser

/// The `testfleet` command: one binary, one subcommand per job. Exit codes everywhere:
/// 0 pass, 1 gate failed, 2 bad usage or input, 3 infrastructure failure.
public struct TestfleetCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "testfleet",
        abstract: "A distributed test runner and flaky-test analyser.",
        discussion: "Exit codes: 0 pass, 1 gate failed, 2 bad usage or input, 3 infrastructure failure.",
        subcommands: [
            RunCommand.self, CoordinatorCommand.self, WorkerCommand.self, SubmitCommand.self, SelectCommand.self,
            GraphCommand.self, ReportCommand.self, IngestCommand.self, GateCommand.self, FlakyCommand.self,
            LatestGreenCommand.self, QuarantineCommand.self, CancelCommand.self, PruneCommand.self, KeygenCommand.self,
            WorkerProbeCommand.self,
        ]
    )

    public init() {}
}
