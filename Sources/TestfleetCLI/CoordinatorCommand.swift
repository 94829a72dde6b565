import Analyzer
import ArgumentParser
import Builds
import Coordinator
import Dashboard
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

    @Option(help: "Prune raw results older than this many days (rolling up each day first) when starting and every --prune-every-hours (default: keep everything).")
    var keepDays: Int?

    @Option(help: "Hours between two scheduled prunes (with --keep-days).")
    var pruneEveryHours: Double = 1

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

    @Option(help: "Serve the HTTP API, metrics and pages on HOST:PORT, e.g. 127.0.0.1:8080 (port 0: any free port).")
    var http: String?

    @Option(name: .customLong("http-token-file"), help: "A file holding the bearer token that HTTP writes (quarantine add/release) need.")
    var httpTokenFile: String?

    @Option(help: "Post a JSON event to this URL when a test becomes flaky or broken, is fixed, or enters or leaves quarantine.")
    var webhook: String?

    func validate() throws {
        if let http { _ = try HTTPAddress(http) }
        if httpTokenFile != nil && http == nil { throw ValidationError("--http-token-file needs --http") }
        if let webhook {
            guard let url = URL(string: webhook), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ValidationError("--webhook must be an http:// or https:// URL, got '\(webhook)'")
            }
        }
        guard archWait >= 0 else { throw ValidationError("--arch-wait must be 0 or more seconds") }
        guard leaseGrace >= 0 else { throw ValidationError("--lease-grace must be 0 or more seconds") }
        guard maxSlotsPerWorker >= 1 else { throw ValidationError("--max-slots-per-worker must be at least 1") }
        guard refreshAnalysisEvery >= 0 else { throw ValidationError("--refresh-analysis-every must be 0 or more") }
        if let keepDays { guard keepDays >= 1 else { throw ValidationError("--keep-days must be 1 or more, got \(keepDays)") } }
        guard pruneEveryHours > 0 else { throw ValidationError("--prune-every-hours must be more than 0") }
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
        // The flaky analysis the dashboard and the webhook show, made by the background refresh
        // after each finished build (never by a request or a webhook check).
        let shared = http != nil || webhook != nil ? SharedAnalysis(store: store) : nil
        let lifecycle = BuildLifecycle(
            store: store, refresh: AnalysisRefresh(every: refreshAnalysisEvery, window: analysisWindow), shared: shared
        ) { line in FileHandle.standardError.write(Data("testfleet coordinator: \(line)\n".utf8)) }
        let log: @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data("testfleet coordinator: \(line)\n".utf8)) }
        var notifier: WebhookNotifier?
        if let webhook, let shared {
            let posting = WebhookNotifier(url: URL(string: webhook)!, store: try self.store.open(), analysis: shared, log: log)
            shared.onPublish { _ in posting.check() }
            notifier = posting
        }
        // Without a background refresh (--refresh-analysis-every 0) nothing publishes: the
        // webhook checks (analysing when the store changed) after each build and decision.
        let produced = shared?.hasProducer ?? false
        let changed: @Sendable () -> Void = { [notifier] in if produced { lifecycle.refreshSharedAnalysis() } else { notifier?.check() } }
        var finished: (@Sendable (String) -> Void)?
        if !produced, let notifier { finished = { _ in notifier.check() } }
        let coordinator = CoordinatorService(
            config: CoordinatorConfig(endpoint: bind, heartbeatMilliseconds: heartbeatMilliseconds,
                                      workerTimeoutMilliseconds: workerTimeoutMilliseconds, maxSlotsPerWorker: maxSlotsPerWorker,
                                      archWaitMilliseconds: Int(archWait * 1000), leaseGraceMilliseconds: Int(leaseGrace * 1000),
                                      curve: curve),
            lifecycle: lifecycle, finished: finished)
        let endpoint: String
        do { endpoint = try coordinator.start() } catch { throw TestfleetError.infrastructure("\(error)") }
        FileHandle.standardError.write(Data("testfleet coordinator: listening on \(endpoint), store \(store.path)\n".utf8))
        announceSecurity(curve, endpoint: endpoint)
        let retention = keepDays.map { days in
            RetentionSchedule(store: store, keepDays: days, interval: pruneEveryHours * 3_600) { line in
                FileHandle.standardError.write(Data("testfleet coordinator: \(line)\n".utf8))
            }
        }
        retention?.start()
        let dashboard = try http.map {
            try startDashboard(HTTPAddress($0), coordinator: coordinator, analysis: shared, changed: changed)
        }
        // The first analysis (the notifier's check follows its publication): builds finished
        // before this start, or while the coordinator was down, are announced now.
        changed()
        let stop = DispatchSemaphore(value: 0)
        Signals.onTerminate { stop.signal() }
        stop.wait()
        FileHandle.standardError.write(Data("testfleet coordinator: stopping (results so far are stored)\n".utf8))
        retention?.stop()
        dashboard?.stop()
        coordinator.shutdown()
        lifecycle.waitUntilIdle()
        notifier?.waitUntilIdle(timeout: 30)
    }

    /// Serves the HTTP side on its own store connections; the coordinator's figures come from
    /// its published snapshot.
    func startDashboard(_ address: HTTPAddress, coordinator: CoordinatorService, analysis: SharedAnalysis?,
                        changed: @escaping @Sendable () -> Void) throws -> DashboardServer {
        var token: String?
        if let httpTokenFile {
            guard let text = try? String(contentsOfFile: httpTokenFile, encoding: .utf8) else {
                throw TestfleetError.badInput("cannot read the token file \(httpTokenFile)")
            }
            token = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if token!.isEmpty { throw TestfleetError.badInput("the token file \(httpTokenFile) is empty; put a secret token in it") }
        }
        let configuration = DashboardConfiguration(
            metrics: { coordinator.metrics() }, loopTurning: { coordinator.isTurning() }, token: token,
            quarantineChanged: changed, analysis: analysis)
        let server = DashboardServer(store: try store.open(), configuration: configuration)
        let port: Int
        do { port = try server.startBlocking(host: address.host, port: address.port) } catch {
            throw TestfleetError.infrastructure("\(error)")
        }
        FileHandle.standardError.write(Data("testfleet coordinator: HTTP on http://\(address.host):\(port)\(token == nil ? " (read-only: no --http-token-file)" : "")\n".utf8))
        return server
    }
}

/// `--http HOST:PORT`.
struct HTTPAddress {
    var host: String
    var port: Int

    init(_ text: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw ValidationError("--http must be HOST:PORT, e.g. 127.0.0.1:8080, got '\(text)'")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host.isEmpty ? "0.0.0.0" : host
        self.port = port
    }
}
