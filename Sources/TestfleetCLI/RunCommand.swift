import ArgumentParser
import Builds
import Coordinator
import Foundation
import Model
import Store
import Wire
import Worker

/// `testfleet run`: one build, here and now, with an in-process coordinator and N local worker
/// processes talking ZeroMQ over an ipc socket.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one build locally: a coordinator in this process and N worker processes.",
        discussion: "Exit codes: 0 pass, 1 gate failed, 2 bad usage or input, 3 infrastructure failure.")

    @Option(help: "How many local worker processes to start.")
    var local: Int = 2

    @OptionGroup var options: BuildOptions

    @OptionGroup var store: StoreOptions

    @Option(help: "A directory in the git repository for --base/--head selection (default: the suite file's directory).")
    var root: String?

    @Option(help: "Write the build's results (every attempt, output tails) as JUnit XML to this file.")
    var junit: String?

    @Option(name: .customLong("heartbeat-ms"), help: "Heartbeat interval between coordinator and workers, in milliseconds.")
    var heartbeatMilliseconds: Int = 1000

    func validate() throws {
        guard (1...256).contains(local) else { throw ValidationError("--local must be from 1 to 256 workers, got \(local)") }
        guard (10...60_000).contains(heartbeatMilliseconds) else { throw ValidationError("--heartbeat-ms must be 10 to 60000") }
    }

    func run() throws {
        let started = Date()
        let trace = ProcessInfo.processInfo.environment["TESTFLEET_TRACE"] != nil
        @Sendable func mark(_ what: String) {
            if trace { FileHandle.standardError.write(Data(String(format: "trace %.3f %@\n", Date().timeIntervalSince(started), what).utf8)) }
        }
        let spec = options.spec
        let store = try self.store.open()
        let quiet = options.quiet
        let lifecycle = BuildLifecycle(store: store, root: root) { line in
            if !quiet { FileHandle.standardError.write(Data("testfleet: \(line)\n".utf8)) }
        }
        let printer = ProgressPrinter(quiet: options.quiet)
        let endpoint = "ipc://\(NSTemporaryDirectory())testfleet-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        let coordinator = CoordinatorService(
            // Local workers are all this machine's arch: a test pinned to another one fails the
            // build at once (--arch-wait 0), and this run resumes no other run's build.
            config: CoordinatorConfig(endpoint: endpoint, heartbeatMilliseconds: heartbeatMilliseconds,
                                      workerTimeoutMilliseconds: max(3 * heartbeatMilliseconds, 2000), expectedWorkers: local,
                                      archWaitMilliseconds: 0, owner: CoordinatorConfig.localOwner),
            lifecycle: lifecycle, progress: { printer.update($0) })
        let bound: String
        do { bound = try coordinator.start() } catch { throw TestfleetError.infrastructure("\(error)") }
        // The workers start before the plan: they import and configure the build's warm pytest
        // sessions while this process plans. A pytest suite the inventory cache has no list for
        // (a first build) is collected whole by those sessions, as pytest-xdist's workers
        // collect theirs, and the plan takes its node ids from them instead of a `pytest
        // --collect-only` of its own first.
        let (toList, fingerprints) = lifecycle.pytestSuitesToList(spec)
        let listing = toList.isEmpty ? nil : NSTemporaryDirectory() + "testfleet-listing-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        if let listing { try? FileManager.default.createDirectory(atPath: listing, withIntermediateDirectories: true) }
        defer { if let listing { try? FileManager.default.removeItem(atPath: listing) } }
        let prewarm = spec.isSimulated
            ? nil : (suite: URL(fileURLWithPath: spec.suite).standardizedFileURL.path, build: spec.id, listing: listing)
        let ownCopies = spec.isSimulated ? [] : LocalFleet.ownCopies(
            count: local, suiteFile: spec.suite, build: spec.id) { line in
            if !quiet { FileHandle.standardError.write(Data("testfleet: \(line)\n".utf8)) }
        }
        let fleet: LocalFleet
        do {
            fleet = try LocalFleet(count: local, endpoint: bound, heartbeatMilliseconds: heartbeatMilliseconds, prewarm: prewarm,
                                   ownCopies: ownCopies) {
                pid, status in
                if status != 0 { coordinator.workerLost(pid: pid) }
            }
        } catch {
            coordinator.shutdown()
            throw error
        }
        mark("workers spawned")
        var planner = lifecycle
        planner.inventoryFingerprints = fingerprints
        if let listing {
            let listed = Set(toList.map(\.name))
            planner.handedInventory = { [fleet] suite in
                guard listed.contains(suite.name) else { return nil }
                return fleet.handedInventory(in: listing, suite: suite.name, timeout: suite.timeout + 60) {
                    why in
                    if !quiet {
                        FileHandle.standardError.write(Data(
                            "testfleet: suite '\(suite.name)': the workers' pytest sessions did not list its tests (\(why)); collecting them here\n".utf8))
                    }
                }
            }
        }
        var planned: PlannedBuild
        do {
            planned = try planner.plan(spec)
        } catch {
            coordinator.shutdown()
            fleet.stop()
            throw error
        }
        // Branch, commit, base and first-parent position from the checkout, after selection
        // (which reads --base as the user gave it).
        planned.spec = BuildLifecycle.placeInGit(
            planned.spec, directory: root ?? (URL(fileURLWithPath: spec.suite).standardizedFileURL.path as NSString).deletingLastPathComponent)
        planned.giveHomes(shareOfFile: fleet.sharesOfFiles, workers: fleet.workerIDs)
        // A later build (no shared listing): runs of each pytest suite's collection order.
        planned.giveHomes(inRunsOf: Set(planned.suites.indices.filter { planned.suites[$0].adapter == .pytest }),
                          workers: fleet.workerIDs)
        mark("planned \(planned.tests.count) tests")
        if !options.quiet {
            let label = spec.isSimulated ? " (SIMULATED suite)" : ""
            FileHandle.standardError.write(Data(
                "testfleet: build \(spec.id): \(planned.tests.count) tests from \(options.suite)\(label) on \(local) local workers\n".utf8))
            if let selection = planned.selection {
                FileHandle.standardError.write(Data(selection.summaryLine.utf8))
            }
        }
        coordinator.submit(planned)
        var outcome: BuildOutcome?
        while outcome == nil {
            outcome = coordinator.waitForBuild(spec.id, timeout: 0.5)
            if outcome == nil && fleet.allExited {
                outcome = coordinator.waitForBuild(spec.id, timeout: 0.2)
                if outcome == nil {
                    coordinator.shutdown()
                    printer.finish()
                    throw TestfleetError.infrastructure("all \(local) local workers exited before build \(spec.id) finished")
                }
            }
        }
        mark("build finished")
        coordinator.shutdown()
        fleet.stop()
        mark("fleet stopped")
        printer.finish()
        guard var result = outcome else { throw TestfleetError.infrastructure("the coordinator stopped") }
        result.verdict.wallSeconds = Date().timeIntervalSince(started)
        try VerdictOutput.emit(result.verdict, json: options.json, store: store)
        mark("verdict written")
        if let junit { try JUnitExport.write(store: store, build: spec.id, to: junit) }
        lifecycle.waitUntilIdle()  // a background analysis the build started would die with the process
        if result.exitCode != 0 { throw TestfleetError(exitCode: result.exitCode) }
    }
}
