import ArgumentParser
import Foundation
import Model
import Transport

/// `testfleet keygen`: a CURVE key pair for the coordinator, a worker or a CI client.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Make a CURVE key pair: NAME.key (secret, mode 600) and NAME.pub.",
        discussion: """
            The coordinator takes its own NAME.key with --curve-key and a directory of the clients' \
            .pub files with --authorized-keys. Workers and CI clients take their NAME.key with \
            --curve-key and the coordinator's .pub with --coordinator-key.
            """)

    @Option(help: "The key's name: the files are NAME.key and NAME.pub.")
    var name: String

    @Option(help: "The directory to write them to (created if missing).")
    var out: String

    @Flag(help: "Replace an existing key of that name.")
    var force = false

    func run() throws {
        do {
            let paths = try CurveKeyPair.generate().write(name: name, directory: out, replace: force)
            print("wrote \(paths.secret) (secret, mode 600) and \(paths.public)")
        } catch { throw TestfleetError.badInput(error.description) }
    }
}
