import ArgumentParser
import Builds
import Foundation
import Model
import Store

/// `testfleet gate --build ID [--json] [--confirm --suite FILE]`: the deploy verdict of a stored
/// build, re-judged now (with today's quarantine). Exit 0 pass, 1 fail, 2 bad input (unknown
/// build, unusable suite file), 3 store failure.
struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "The deploy verdict of a stored build (exit 0 pass, 1 fail, 2 bad input, 3 store failure).",
        discussion: """
            Quarantined tests' failures and tests that passed on retry do not block; a test that failed every attempt \
            does, unless its flaky record explains it. With --confirm, the tests that would block are rerun here from \
            --suite (each rerun a fresh process, up to --confirm-runs times, stopping at the first pass), stored as \
            attempts of the build, and the build judged again: a pass on a rerun is flakiness and does not block.
            """)

    @Option(help: "The build to judge.")
    var build: String

    @Flag(help: "Print the verdict JSON (the verdict, its counts and failures, plus the evidence fields) instead of the summary.")
    var json = false

    @Flag(help: "Rerun the failing tests the gate cannot excuse (from --suite) before deciding; stores the reruns and the verdict.")
    var confirm = false

    @Option(help: "With --confirm: the suite file (testfleet.toml) holding the tests, in the checkout of the build's commit.")
    var suite: String?

    // 8, not the coordinator's 5: these reruns keep the build's family-wise bound (see
    // BuildLifecycle+Confirm), so a flaky test needs a pass among them to stop blocking; with 5 a
    // 30 %-flaky test with no history failing all 3 + 5 attempts still blocked 1 clean build in
    // 63 of the SYNTHETIC ingest-gate-eval (seed 1), with 8 none; the cost is the 3 more reruns
    // of each real break (which fails them all), ~2.8 more per rerun test there.
    @Option(help: "With --confirm: reruns per failing test at most (stops at the first pass).")
    var confirmRuns: Int = 8

    @Option(help: "With --confirm: at most this many failing tests are rerun (more point to a broad break or an outage).")
    var confirmLimit: Int = 10

    @OptionGroup var store: StoreOptions

    func validate() throws {
        if confirm, suite == nil { throw ValidationError("--confirm needs --suite FILE: the suite file whose tests are rerun") }
        if !confirm, suite != nil { throw ValidationError("--suite is used only with --confirm") }
        guard (1...20).contains(confirmRuns) else { throw ValidationError("--confirm-runs must be from 1 to 20, got \(confirmRuns)") }
        guard confirmLimit >= 1 else { throw ValidationError("--confirm-limit must be 1 or more, got \(confirmLimit)") }
    }

    func run() throws {
        let store = try self.store.open()
        let lifecycle = BuildLifecycle(store: store, refresh: nil)
        let verdict = if confirm, let suite {
            try lifecycle.confirm(build: build, settings: ConfirmationSettings(suiteFile: suite, runs: confirmRuns,
                                                                             limit: confirmLimit)).verdict
        } else {
            try lifecycle.verdict(of: build)
        }
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
