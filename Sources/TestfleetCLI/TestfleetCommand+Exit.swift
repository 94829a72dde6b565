import ArgumentParser
import Foundation
import Model

/// The one place where an error becomes what the user sees: a message on stderr and an exit
/// code. Commands and the library modules throw `TestfleetError` (or a module's own error that
/// converts to one, `TestfleetErrorConvertible`); its code is the exit code: 1 gate failed, 2 bad
/// usage or input, 3 infrastructure failure. Anything else is an infrastructure failure.
extension TestfleetCommand {
    /// Parses the arguments, runs the command and exits with testfleet's exit codes (argument
    /// parser's own usage errors become 2, not its default 64).
    public static func runAndExit(_ arguments: [String]? = nil) -> Never {
        var command: any ParsableCommand
        do { command = try parseAsRoot(arguments) } catch { exitForArgumentParser(error) }
        do {
            try command.run()
        } catch let error as ValidationError {
            exitForArgumentParser(error)
        } catch let error as CleanExit {
            exitForArgumentParser(error)
        } catch where exitCode(for: error) == .success {
            // A command with only subcommands asks for its help from `run()` (`testfleet`,
            // `testfleet --help`) through the parser's own error type.
            exitForArgumentParser(error)
        } catch {
            OpenStores.checkpointAll()
            exit(with: TestfleetError(error))
        }
        OpenStores.checkpointAll()
        Foundation.exit(0)
    }

    /// Prints the error's message (when it has one) and exits with its code.
    static func exit(with error: TestfleetError) -> Never {
        if !error.message.isEmpty { FileHandle.standardError.write(Data("testfleet: \(error.message)\n".utf8)) }
        Foundation.exit(error.code.rawValue)
    }

    /// Help and version requests exit 0 on stdout; usage errors exit 2 with the parser's message.
    static func exitForArgumentParser(_ error: any Error) -> Never {
        if exitCode(for: error).rawValue == 0 {
            print(fullMessage(for: error))
            Foundation.exit(0)
        }
        FileHandle.standardError.write(Data("\(fullMessage(for: error))\n".utf8))
        Foundation.exit(TestfleetError.Code.badInput.rawValue)
    }
}

extension Verdict {
    /// The exit code of a command that ends with this verdict: 0 pass, else gate failed.
    var exitCode: Int32 { verdict == .pass ? 0 : TestfleetError.Code.gateFailed.rawValue }
}

extension TestfleetError {
    /// An exit code another part already decided (a worker, a build's outcome), as an error with
    /// nothing more to say; a code testfleet does not use counts as an infrastructure failure.
    init(exitCode: Int32) {
        self.init(Code(rawValue: exitCode) ?? .infrastructure, "")
    }
}
