import Adapters
import Foundation
import Model
import Worker

/// N worker processes of this same binary, started for one local run. The fleet reports a worker
/// that dies (so its leases are requeued at once) and stops the rest when the run is over.
final class LocalFleet: @unchecked Sendable {
    private var processes: [Process] = []
    private let lock = NSLock()
    private var exited = 0
    /// The workers' ids, in order: worker `i` lists share `i` of a first build's pytest suites.
    let workerIDs: [String]
    /// The listing shares, worker `i` share `i`; none for a single worker (it lists everything).
    private let shares: [PytestListingShare]
    /// Suite name → file id → the share that collected it, from the listings taken so far.
    private var shareOfFile: [String: [String: Int]] = [:]

    /// Starts `count` workers connected to `endpoint`. `onExit` runs with the pid of a worker
    /// that ended on its own (not by `stop()`).
    /// `prewarm` (a suite file and a build id) lets the workers start the build's warm pytest
    /// sessions while the coordinator plans; with a `listing` directory those sessions collect
    /// their suite and write its node ids there, for the plan (`PrewarmSession.listing`): each
    /// worker a share of the files (`PytestListingShare`), so no file is collected twice.
    /// `ownCopies[i]` maps suite directories to worker `i`'s own mirrors of them (`ownCopies(…)`).
    init(count: Int, endpoint: String, heartbeatMilliseconds: Int, prewarm: (suite: String, build: String, listing: String?)? = nil,
         ownCopies: [[String: String]] = [], onExit: @escaping @Sendable (Int32, Int32) -> Void) throws {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let runID = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        workerIDs = (0..<count).map { "local-\(runID)-\($0 + 1)" }
        shares = count > 1 ? (0..<count).compactMap { PytestListingShare(index: $0, count: count) } : []
        for index in 0..<count {
            let process = Process()
            process.executableURL = executable
            let share = shares.isEmpty ? nil : shares[index]
            process.arguments = ["worker", "--connect", endpoint, "--id", workerIDs[index],
                                 "--heartbeat-ms", String(heartbeatMilliseconds), "--exit-on-goodbye"]
                + (prewarm.map { ["--prewarm-suite", $0.suite, "--prewarm-build", $0.build] } ?? [])
                + (prewarm?.listing.map { ["--prewarm-listing", $0] } ?? [])
                + (prewarm?.listing != nil ? share.map { ["--prewarm-share", $0.text] } ?? [] : [])
            if index < ownCopies.count {
                process.arguments! += ownCopies[index].sorted { $0.key < $1.key }.flatMap { ["--own-copy", $0.key + "=" + $0.value] }
            }
            process.standardOutput = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            // The local coordinator is plaintext on a private ipc socket: CURVE keys a CI machine
            // exports for its `submit` must not make the local workers speak CURVE to it.
            var environment = ProcessInfo.processInfo.environment
            environment["TESTFLEET_CURVE_KEY"] = nil
            environment["TESTFLEET_COORDINATOR_KEY"] = nil
            process.environment = environment
            process.terminationHandler = { [weak self] p in
                guard let self else { return }
                self.lock.lock()
                self.exited += 1
                self.lock.unlock()
                onExit(p.processIdentifier, p.terminationStatus)
            }
            do { try process.run() } catch {
                stop()
                throw TestfleetError.infrastructure("could not start a local worker (\(executable.path)): \(error)")
            }
            processes.append(process)
        }
    }

    /// True when every worker has exited.
    var allExited: Bool {
        lock.lock()
        defer { lock.unlock() }
        return exited == processes.count
    }

    /// The node ids the workers' warm sessions wrote for the suite named `suite` in the listing
    /// `directory`, each worker its share, merged in collection order (`PytestListingShare.merge`);
    /// `sharesOfFiles` then says which worker collected each file. Nil, at once, when a
    /// session said it will not list (its reason goes to `log`), when every worker has exited,
    /// or after `timeout` seconds: the caller then lists the suite itself.
    func handedInventory(in directory: String, suite: String, timeout: Double, log: (String) -> Void) -> [String]? {
        let paths = shares.isEmpty
            ? [PrewarmSession.listingPath(in: directory, suite: suite)]
            : shares.map { PrewarmSession.listingPath(in: directory, suite: suite, share: $0) }
        let deadline = Date(timeIntervalSinceNow: timeout)
        var listings: [Data?] = Array(repeating: nil, count: paths.count)
        while Date() < deadline {
            for (index, path) in paths.enumerated() where listings[index] == nil {
                if let why = FileManager.default.contents(atPath: PrewarmSession.failureMarker(of: path)) {
                    log(String(decoding: why, as: UTF8.self))
                    return nil
                }
                listings[index] = FileManager.default.contents(atPath: path)
            }
            if listings.allSatisfy({ $0 != nil }) { break }
            if allExited { return nil }
            usleep(10_000)
        }
        guard listings.allSatisfy({ $0 != nil }) else {
            log("no listing within \(Int(timeout)) s")
            return nil
        }
        if shares.isEmpty {
            guard let ids = try? JSONDecoder().decode([String].self, from: listings[0]!) else {
                log("a worker's listing \(paths[0]) is not a JSON list of node ids")
                return nil
            }
            return ids
        }
        do {
            let merged = try PytestListingShare.merge(listings.map { $0! })
            lock.lock()
            shareOfFile[suite] = merged.shareOfFile
            lock.unlock()
            return merged.ids
        } catch {
            log("the workers' listings could not be merged: \(error)")
            return nil
        }
    }

    /// Suite name → file id → the worker (its index in `workerIDs`) that collected it, for the
    /// suites whose listing the workers shared.
    var sharesOfFiles: [String: [String: Int]] {
        lock.lock()
        defer { lock.unlock() }
        return shareOfFile
    }

    /// Asks workers to stop (SIGTERM: they finish in-flight work), then kills stragglers.
    func stop(grace: Double = 2) {
        for process in processes where process.isRunning { process.terminate() }
        let deadline = Date(timeIntervalSinceNow: grace)
        while processes.contains(where: \.isRunning) && Date() < deadline { usleep(5000) }
        for process in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
