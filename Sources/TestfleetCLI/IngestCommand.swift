import ArgumentParser

/// `testfleet ingest`: record results and findings that came from outside testfleet.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Record results from other CI systems (JUnit XML) or lint/import findings.",
        discussion: "Exit codes: 0 recorded, 2 bad usage or malformed input (nothing recorded), 3 infrastructure failure.",
        subcommands: [IngestJUnitCommand.self, IngestLintCommand.self])
}
