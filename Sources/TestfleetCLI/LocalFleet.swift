import Foundation
import Model
import Worker

/// N worker processes of this same binary, started for one local run. The fleet reports a worker
/// that dies (so its leases are requeued at once) and stops the rest when the run is over.
final class LocalFleet: @unchecked Sendable {
    private var processes: [Process] = []
    private let lock = NSLock()
    private var exited = 0

    /// Starts `count` workers connected to `endpoint`. `onExit` runs with the pid of a worker
    /// that ended on its own (not by `stop()`).
    /// `prewarm` (a suite file and a build id) lets the workers start the build's warm pytest
    /// sessions while the coordinator plans; with a `listing` directory those sessions collect
    /// their whole suite and write its node ids there, for the plan (`PrewarmSession.listing`).
    init(count: Int, endpoint: String, heartbeatMilliseconds: Int, prewarm: (suite: String, build: String, listing: String?)? = nil,
         onExit: @escaping @Sendable (Int32, Int32) -> Void) throws {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let runID = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        for index in 0..<count {
            let process = Process()
            process.executableURL = executable
            process.arguments = ["worker", "--connect", endpoint, "--id", "local-\(runID)-\(index + 1)",
                                 "--heartbeat-ms", String(heartbeatMilliseconds), "--exit-on-goodbye"]
                + (prewarm.map { ["--prewarm-suite", $0.suite, "--prewarm-build", $0.build] } ?? [])
                + (prewarm?.listing.map { ["--prewarm-listing", $0] } ?? [])
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

    /// The node ids a worker's warm session wrote to `listing` (`PrewarmSession.listing`), once
    /// one has; nil, at once, when a session said it will not (its reason goes to `log`), when
    /// every worker has exited, or after `timeout` seconds: the caller then lists the suite itself.
    func handedInventory(_ listing: String, timeout: Double, log: (String) -> Void) -> [String]? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        let marker = PrewarmSession.failureMarker(of: listing)
        while Date() < deadline {
            if let data = FileManager.default.contents(atPath: listing) {
                guard let ids = try? JSONDecoder().decode([String].self, from: data) else {
                    log("a worker's listing \(listing) is not a JSON list of node ids")
                    return nil
                }
                return ids
            }
            if let why = FileManager.default.contents(atPath: marker) {
                log(String(decoding: why, as: UTF8.self))
                return nil
            }
            if allExited { return nil }
            usleep(10_000)
        }
        log("no listing within \(Int(timeout)) s")
        return nil
    }

    /// Asks workers to stop (SIGTERM: they finish in-flight work), then kills stragglers.
    func stop(grace: Double = 2) {
        for process in processes where process.isRunning { process.terminate() }
        let deadline = Date(timeIntervalSinceNow: grace)
        while processes.contains(where: \.isRunning) && Date() < deadline { usleep(5000) }
        for process in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
