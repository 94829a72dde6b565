import Analyzer
import ArgumentParser
import Foundation
import Model
import Store

/// `testfleet latest-green --branch B [--json]`: the newest commit on B whose build passed
/// (exit 1 when there is none).
struct LatestGreenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latest-green",
        abstract: "The newest commit on a branch with a passing build (exit 1 when none).")

    @Option(help: "The branch (as given to `run --branch`).")
    var branch: String

    @Flag(help: "Print {\"branch\": …, \"commit\": …|null, \"build\": …|null}.")
    var json = false

    @OptionGroup var store: StoreOptions

    func run() throws {
        let store = try self.store.open()
        let builds = try store.buildHistory().filter { $0.commit != nil }
        let history = AttemptHistory(stored: StoredHistory(builds: builds))
        let green = CommitOrder.latestGreen(history.builds, branch: branch)
        if json {
            let object: [String: Any] = ["branch": branch, "commit": green.map { $0.sha as Any } ?? NSNull(),
                                         "build": green.map { $0.id as Any } ?? NSNull()]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
        } else if let green {
            print(green.sha)
        }
        if green == nil { throw TestfleetError.gateFailed("no passing build with a commit on branch '\(branch)'") }
    }
}
