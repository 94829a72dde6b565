import Analyzer
import ArgumentParser
import Foundation
import Model
import Store

/// `testfleet prune --keep-days N`: raw results and output tails older than N days go, after
/// their per-test daily rollups are written (kept forever).
struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete raw results older than --keep-days days, keeping per-test daily rollups forever.",
        discussion: """
            Each whole UTC day before the cutoff is rolled up first (per test and branch class: runs, failures, \
            flaky failures, builds that failed every attempt, duration quantiles), then its finished builds, results, \
            output tails and selections are deleted. Running builds are kept. A coordinator started with --keep-days \
            does this on a schedule.
            """)

    @Option(help: "Days of raw results to keep, today included (1 or more).")
    var keepDays: Int

    @Flag(help: "Print {\"builds_deleted\": N, \"results_deleted\": N, \"days_rolled_up\": N, \"cutoff\": T}.")
    var json = false

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard keepDays >= 1 else { throw ValidationError("--keep-days must be 1 or more, got \(keepDays)") }
    }

    func run() throws {
        let store = try self.store.open()
        let report: PruneReport
        do { report = try store.prune(keepDays: keepDays, targetBranches: AnalyzerConfiguration().targetBranches) } catch {
            throw TestfleetError(error)
        }
        if json {
            print("{\"builds_deleted\": \(report.buildsDeleted), \"results_deleted\": \(report.resultsDeleted), "
                + "\"days_rolled_up\": \(report.daysRolledUp), \"cutoff\": \(report.cutoff)}")
        } else {
            print("pruned \(report.buildsDeleted) builds (\(report.resultsDeleted) results) created before "
                + "\(Date(timeIntervalSince1970: report.cutoff)) from \(store.path); rolled up \(report.daysRolledUp) days")
        }
    }
}
