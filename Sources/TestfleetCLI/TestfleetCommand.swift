import ArgumentParser

/// The `testfleet` command: one binary, one subcommand per job. Exit codes everywhere:
/// 0 pass, 1 gate failed, 2 bad usage or input, 3 infrastructure failure.
public struct TestfleetCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "testfleet",
        abstract: "A distributed test runner and flaky-test analyser.",
        subcommands: []
    )

    public init() {}
}
