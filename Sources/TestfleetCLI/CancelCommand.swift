import ArgumentParser
import Foundation
import Model
import Wire

/// `testfleet cancel`: stops a build on a running coordinator. Its leases are revoked at once
/// (its workers go to other builds), and whoever waits for it (`submit`) gets a failing verdict
/// with exit 3 saying it was cancelled.
struct CancelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a build running on a coordinator.",
        discussion: "Exit codes: 0 cancelled, 2 the build is not running there or the coordinator refused this client's keys, 3 the coordinator did not answer.")

    @Option(help: "The coordinator's endpoint.")
    var coordinator: String

    @Option(help: "The id of the build to cancel.")
    var build: String

    @Option(help: "Why (logged by the coordinator and shown to the build's watchers).")
    var reason: String = "cancelled with testfleet cancel"

    @Option(help: "Give up (exit 3) after this many seconds without an answer.")
    var timeout: Double = 10

    @OptionGroup var curve: ClientCurveOptions

    func validate() throws {
        guard (1...200).contains(build.count) else { throw ValidationError("--build must be 1 to 200 characters") }
        guard coordinator.hasPrefix("tcp://") || coordinator.hasPrefix("ipc://") else {
            throw ValidationError("--coordinator must be a tcp:// or ipc:// endpoint, got '\(coordinator)'")
        }
    }

    func run() throws {
        let connection = try CoordinatorConnection(endpoint: coordinator, keys: curve.keys())
        let answered = try connection.ask(.cancel(CancelBuild(build: build, reason: reason)), until: Date(timeIntervalSinceNow: timeout),
                                           resendSeconds: 2, pollMilliseconds: 200) { message -> Bool? in
            switch message {
            case .verdict(let verdict) where verdict.build == build: return true
            case .error(let error) where error.code == "not-running": throw TestfleetError.badInput("coordinator: \(error.message)")
            case .error(let error): throw TestfleetError.infrastructure("coordinator: \(error.code): \(error.message)")
            default: return nil
            }
        }
        guard answered != nil else { throw TestfleetError.infrastructure("no answer from \(coordinator) within \(Int(timeout)) s") }
        print("build \(build) cancelled")
    }
}
