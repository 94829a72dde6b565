import ArgumentParser
import Builds
import Coordinator
import Foundation
import Model
import Store
import Transport

/// `testfleet coordinator`: the long-running service. Builds come from `testfleet submit`;
/// builds left running by a previous process are resumed from the store.
struct CoordinatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Run the coordinator service: workers connect to it, CI submits builds to it.")

    @Option(help: "ZeroMQ endpoint to bind, e.g. tcp://0.0.0.0:5555 or ipc:///run/testfleet.sock.")
    var bind: String

    @OptionGroup var store: StoreOptions

    @Option(name: .customLong("heartbeat-ms"), help: "Heartbeat interval to workers, in milliseconds.")
    var heartbeatMilliseconds: Int = 1000

    @Option(name: .customLong("worker-timeout-ms"), help: "A worker silent this long is gone and its work requeued.")
    var workerTimeoutMilliseconds: Int = 5000

    @Option(help: "On a store too big to analyse at every gate (over 50,000 results), run a full flaky analysis in the background every this many builds, so the gate's suite-wide figures stay current (0: never; `testfleet flaky` also refreshes them).")
    var refreshAnalysisEvery: Int = 20

    @Option(help: "How many of the newest builds that background analysis reads.")
    var analysisWindow: Int = 500

    @Option(name: .customLong("arch-wait"), help: "A build with tests pinned to an arch no connected worker serves (or refused by every worker) ends after this many seconds, exit 3 naming the arch.")
    var archWait: Double = 300

    @Option(name: .customLong("lease-grace"), help: "Seconds a grant may take beyond its tests' own timeouts (builds, compiles, queueing) before its lease is taken back, even from a worker that heartbeats.")
    var leaseGrace: Double = 900

    @Option(name: .customLong("max-slots-per-worker"), help: "The most slots of one worker used, whatever the worker claims.")
    var maxSlotsPerWorker: Int = 256

    @Option(name: .customLong("curve-key"), help: "This coordinator's CURVE secret key file (NAME.key from `testfleet keygen`): connections are encrypted and only clients in --authorized-keys may connect.")
    var curveKey: String?

    @Option(name: .customLong("authorized-keys"), help: "A directory of the public keys (*.pub) of the workers and CI clients that may connect; re-read on SIGHUP.")
    var authorizedKeys: String?

    func validate() throws {
        guard archWait >= 0 else { throw ValidationError("--arch-wait must be 0 or more seconds") }
        guard leaseGrace >= 0 else { throw ValidationError("--lease-grace must be 0 or more seconds") }
        guard maxSlotsPerWorker >= 1 else { throw ValidationError("--max-slots-per-worker must be at least 1") }
        guard refreshAnalysisEvery >= 0 else { throw ValidationError("--refresh-analysis-every must be 0 or more") }
        guard analysisWindow >= 1 else { throw ValidationError("--analysis-window must be at least 1 build") }
        guard bind.hasPrefix("tcp://") || bind.hasPrefix("ipc://") else {
            throw ValidationError("--bind must be a tcp:// or ipc:// endpoint, got '\(bind)'")
        }
        guard (curveKey == nil) == (authorizedKeys == nil) else {
            throw ValidationError("--curve-key and --authorized-keys go together: the coordinator's key and the directory of keys that may connect")
        }
        guard (10...60_000).contains(heartbeatMilliseconds) else { throw ValidationError("--heartbeat-ms must be 10 to 60000") }
        guard workerTimeoutMilliseconds >= 2 * heartbeatMilliseconds else {
            throw ValidationError("--worker-timeout-ms must be at least twice --heartbeat-ms")
        }
    }

    func run() throws {
        let curve = try curveSecurity()
        let store = try self.store.open()
        let lifecycle = BuildLifecycle(
            store: store, refresh: AnalysisRefresh(every: refreshAnalysisEvery, window: analysisWindow)
        ) { line in FileHandle.standardError.write(Data("testfleet coordinator: \(line)\n".utf8)) }
        let coordinator = CoordinatorService(
            config: CoordinatorConfig(endpoint: bind, heartbeatMilliseconds: heartbeatMilliseconds,
                                      workerTimeoutMilliseconds: workerTimeoutMilliseconds, maxSlotsPerWorker: maxSlotsPerWorker,
                                      archWaitMilliseconds: Int(archWait * 1000), leaseGraceMilliseconds: Int(leaseGrace * 1000),
                                      curve: curve),
            lifecycle: lifecycle)
        let endpoint: String
        do { endpoint = try coordinator.start() } catch { throw TestfleetError.infrastructure("\(error)") }
        FileHandle.standardError.write(Data("testfleet coordinator: listening on \(endpoint), store \(store.path)\n".utf8))
        if let curve {
            let count = curve.authenticator.authorizedKeys.count
            Self.log("CURVE on: \(count) authorized key\(count == 1 ? "" : "s") in \(curve.authenticator.directory) (SIGHUP re-reads them)")
            Signals.onHangup {
                do { Self.log("re-read \(try curve.authenticator.reload()) authorized keys from \(curve.authenticator.directory)") } catch {
                    Self.log("keeping the previous authorized keys: \(error)")
                }
            }
        } else if EndpointScope(endpoint: endpoint) == .network {
            Self.log("warning: listening on \(endpoint) without CURVE: anyone who can reach this port can register "
                + "workers, store results and submit builds. Make keys with `testfleet keygen` and start with "
                + "--curve-key FILE --authorized-keys DIR")
        }
        let stop = DispatchSemaphore(value: 0)
        Signals.onTerminate { stop.signal() }
        stop.wait()
        FileHandle.standardError.write(Data("testfleet coordinator: stopping (results so far are stored)\n".utf8))
        coordinator.shutdown()
        lifecycle.waitUntilIdle()
    }

    /// The coordinator's key and the allow-list, when --curve-key is given.
    func curveSecurity() throws -> CurveServerSecurity? {
        guard let curveKey, let authorizedKeys else { return nil }
        do {
            let keyPair = try CurveKeyPair.load(secretKeyFile: curveKey)
            let authenticator = try ZAPAuthenticator(authorizedKeys: authorizedKeys) { Self.log($0) }
            return CurveServerSecurity(keyPair: keyPair, authenticator: authenticator)
        } catch { throw TestfleetError.badInput(error.description) }
    }

    static func log(_ line: String) {
        FileHandle.standardError.write(Data("testfleet coordinator: \(line)\n".utf8))
    }
}
