import ArgumentParser
import Builds
import Foundation
import Model
import Store

/// `testfleet gate --build ID [--json]`: the deploy verdict of a stored build, re-judged now
/// (with today's quarantine). Exit 0 pass, 1 fail.
struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "The deploy verdict of a stored build (exit 0 pass, 1 fail).",
        discussion: "Quarantined tests' failures and tests that passed on retry do not block; a test that failed every attempt does.")

    @Option(help: "The build to judge.")
    var build: String

    @Flag(help: "Print the verdict JSON (the verdict, its counts and failures, plus the evidence fields) instead of the summary.")
    var json = false

    @OptionGroup var store: StoreOptions

    func run() throws {
        let store = try self.store.open()
        let verdict = try BuildLifecycle(store: store, refresh: nil).verdict(of: build)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(verdict), as: UTF8.self))
        } else {
            print(VerdictOutput.summary(verdict, store: store))
        }
        if verdict.exitCode != 0 { throw TestfleetError.gateFailed() }
    }
}
