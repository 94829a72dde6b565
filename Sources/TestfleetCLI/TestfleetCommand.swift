public import ArgumentParser
import Foundation
import Store

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
            LatestGreenCommand.self, QuarantineCommand.self,
        ]
    )

    public init() {}

    /// Parses the arguments, runs the command and exits with testfleet's exit codes (argument
    /// parser's own usage errors become 2, not its default 64).
    public static func runAndExit(_ arguments: [String]? = nil) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Foundation.exit(0)
        } catch let exit as CLIExit {
            if !exit.message.isEmpty { FileHandle.standardError.write(Data("testfleet: \(exit.message)\n".utf8)) }
            Foundation.exit(exit.code)
        } catch let error as StoreError {
            // The store's own errors: a bad --build id and the like are the user's (2), the rest infrastructure (3).
            FileHandle.standardError.write(Data("testfleet: \(error)\n".utf8))
            Foundation.exit(error.isUserError ? CLIExit.badInput : CLIExit.infrastructure)
        } catch {
            let code = exitCode(for: error).rawValue
            if code == 0 {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data("\(fullMessage(for: error))\n".utf8))
            Foundation.exit(code == 0 ? 0 : 2)
        }
    }
}

/// Ends a command with one of testfleet's exit codes and a message for stderr.
struct CLIExit: Error, CustomStringConvertible {
    var code: Int32
    var message: String
    var description: String { message }

    static let gateFailed: Int32 = 1
    static let badInput: Int32 = 2
    static let infrastructure: Int32 = 3

    static func badInput(_ message: String) -> CLIExit { CLIExit(code: badInput, message: message) }
    static func infrastructure(_ message: String) -> CLIExit { CLIExit(code: infrastructure, message: message) }
}
