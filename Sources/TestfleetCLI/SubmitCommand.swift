import ArgumentParser
import Builds
import Foundation
import Model
import Transport
import Wire
import Workspaces

/// `testfleet submit`: the CI client of a running coordinator. It plans the build in the CI
/// job's checkout (selection, inventory: the coordinator runs no project command) and names the
/// code by repository and commit, or uploads it as a source bundle (`--bundle`). Streams
/// progress and exits with the gate's code. Submitting is idempotent (same --build attaches), so the client simply sends
/// again while the coordinator is silent, which carries it across a coordinator restart.
struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit a build to a running coordinator and wait for its verdict.",
        discussion: "Exit codes: 0 pass, 1 gate failed, 2 bad usage or input (including a coordinator that refuses this client's CURVE keys, or its lack of them), 3 infrastructure failure.")

    @Option(help: "The coordinator's endpoint.")
    var coordinator: String

    @OptionGroup var options: BuildOptions

    @Option(help: "Give up (exit 3) after this many seconds without a verdict.")
    var timeout: Double = 3600

    @Option(help: "Write the build's results (every attempt, output tails) as JUnit XML to this file; the coordinator renders it from its store.")
    var junit: String?

    @Option(help: "The git URL or path workers fetch the commit from (default: the suite file's [workspace] repository, else this checkout's origin).")
    var repository: String?

    @Flag(help: "Upload the commit's source tree through the coordinator (for workers that cannot reach the repository); each worker gets it once and caches it.")
    var bundle = false

    @Option(help: "Serve this build before builds of lower priority (default: 10 for main, master and release/* branches, 0 otherwise).")
    var priority: Int?

    @OptionGroup var curve: ClientCurveOptions

    func run() throws {
        let keys = try curve.keys()  // a key problem shows before the planning work
        var (spec, plan, bundleBytes) = try planHere()
        spec.priority = priority
        let connection = try CoordinatorConnection(endpoint: coordinator, keys: keys)
        if var planned = plan {
            try measureAffectedFailures(of: &planned, connection: connection)
            plan = planned
        }
        let socket = connection.socket
        // SIGINT/SIGTERM (a CI job stopped) cancels the build, so its workers go to other builds.
        let interrupted = Locked(false)
        Signals.onTerminate { interrupted.withLock { $0 = true } }
        var cancelSent = false
        let printer = ProgressPrinter(quiet: options.quiet)
        let submit = Message.submit(Submit(spec: spec, plan: plan, bundleData: bundleBytes)).encode()
        let askReport = Message.reportRequest(ReportRequest(build: spec.id, format: "junit")).encode()
        var poller = ZMQPoller()
        let item = poller.add(socket)
        let deadline = Date(timeIntervalSinceNow: timeout)
        var lastHeard = Date.distantPast
        var lastSent = Date.distantPast
        // Once the verdict is in, what is left is the JUnit document (when asked for).
        var verdict: VerdictMessage?
        while Date() < deadline {
            if interrupted.withLock({ $0 }) && !cancelSent && verdict == nil {
                cancelSent = true
                try? socket.send([Message.cancel(CancelBuild(build: spec.id, reason: "its submit was interrupted")).encode()])
                printer.finish()
                FileHandle.standardError.write(Data("testfleet: interrupted; cancelling build \(spec.id)\n".utf8))
                // The cancelled verdict comes back within a turn; leave anyway after a second.
                let until = Date(timeIntervalSinceNow: 1)
                while Date() < until {
                    _ = try? poller.poll(milliseconds: 100)
                    if let frames = try? socket.receive(), let payload = frames.last,
                       case .verdict(let message)? = try? Message.decode(payload), message.build == spec.id { break }
                }
                throw TestfleetError.infrastructure("build \(spec.id) cancelled: submit was interrupted")
            }
            if Date().timeIntervalSince(lastHeard) > 3 && Date().timeIntervalSince(lastSent) > 2 {
                try? socket.send([verdict == nil ? submit : askReport])
                lastSent = Date()
            }
            _ = try? poller.poll(milliseconds: 200)
            do { try connection.checkHandshake() } catch {
                printer.finish()
                throw error
            }
            guard poller.isReadable(item) else { continue }
            while let frames = try? socket.receive(), let payload = frames.last {
                guard let message = try? Message.decode(payload) else { continue }
                lastHeard = Date()
                switch message {
                case .progress(let progress): printer.update(progress)
                case .verdict(let message) where verdict == nil:
                    printer.finish()
                    if let json = options.json { _ = FileManager.default.createFile(atPath: json, contents: Data(message.json.utf8)) }
                    print(message.json)
                    verdict = message
                    guard junit != nil else { return try Self.exit(with: message) }
                    try? socket.send([askReport])
                    lastSent = Date()
                case .report(let report) where report.build == spec.id:
                    guard let junit, let verdict else { continue }
                    try Self.write(report, to: junit)
                    return try Self.exit(with: verdict)
                case .error(let error):
                    printer.finish()
                    if verdict != nil {
                        throw TestfleetError.infrastructure("coordinator could not send the JUnit XML: \(error.message)")
                    }
                    let rejection = error.rejection
                    throw TestfleetError(rejection.code, "coordinator: \(rejection.message)")
                default: break
                }
            }
        }
        printer.finish()
        if verdict != nil { throw TestfleetError.infrastructure("no JUnit XML from \(coordinator) within \(Int(timeout)) s") }
        throw TestfleetError.infrastructure("no verdict from \(coordinator) within \(Int(timeout)) s")
    }

    /// The build as this checkout plans it: a `sim:` suite goes as a spec (the coordinator plans
    /// it), a suite file is planned here and sent with its commit, repository or bundle.
    func planHere() throws -> (BuildSpec, PlannedBuild?, [UInt8]) {
        var spec = options.spec
        spec.repository = repository
        guard !spec.isSimulated else { return (spec, nil, []) }
        let plan = try BuildLifecycle.planInCheckout(spec, bundled: bundle)
        spec = plan.spec
        guard bundle, let commit = spec.commit else { return (spec, plan, []) }
        let folder = (URL(fileURLWithPath: spec.suite).standardizedFileURL.path as NSString).deletingLastPathComponent
        let source = try SourceBundle.make(commit: commit, in: folder)
        spec.bundle = source.address
        var bundled = plan
        bundled.spec = spec
        return (spec, bundled, source.bytes)
    }

    static func exit(with verdict: VerdictMessage) throws {
        // A build that ended without a verdict of its tests (cancelled, no worker for its arch)
        // says why on stderr too, not only in the JSON.
        if verdict.exitCode == Int(TestfleetError.Code.infrastructure.rawValue),
           let decoded = try? JSONDecoder().decode(Verdict.self, from: Data(verdict.json.utf8)), !decoded.reasons.isEmpty {
            throw TestfleetError.infrastructure(decoded.reasons.joined(separator: "; "))
        }
        if verdict.exitCode != 0 { throw TestfleetError(exitCode: Int32(verdict.exitCode)) }
    }

    static func write(_ report: Report, to path: String) throws {
        do {
            try Data(try report.document()).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw TestfleetError.infrastructure("cannot write JUnit XML to \(path): \(error)")
        }
    }
}
