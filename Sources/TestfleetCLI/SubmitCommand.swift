import ArgumentParser
import Foundation
import Model
import Transport
import Wire

/// `testfleet submit`: the CI client of a running coordinator. Streams progress and exits with
/// the gate's code. Submitting is idempotent (same --build attaches), so the client simply sends
/// again while the coordinator is silent, which carries it across a coordinator restart.
struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit a build to a running coordinator and wait for its verdict.",
        discussion: "Exit codes: 0 pass, 1 gate failed, 2 bad usage or input, 3 infrastructure failure.")

    @Option(help: "The coordinator's endpoint.")
    var coordinator: String

    @OptionGroup var options: BuildOptions

    @Option(help: "Give up (exit 3) after this many seconds without a verdict.")
    var timeout: Double = 3600

    @Option(help: "Write the build's results (every attempt, output tails) as JUnit XML to this file; the coordinator renders it from its store.")
    var junit: String?

    @Option(help: "Serve this build before builds of lower priority (default: 10 for main, master and release/* branches, 0 otherwise).")
    var priority: Int?

    func run() throws {
        var spec = options.spec
        spec.priority = priority
        let socket: ZMQSocket
        do {
            socket = try ZMQSocket(ZMQContext(), kind: .dealer)
            try socket.connect(coordinator)
        } catch { throw TestfleetError.infrastructure("cannot connect to \(coordinator): \(error)") }
        // SIGINT/SIGTERM (a CI job stopped) cancels the build, so its workers go to other builds.
        let interrupted = Locked(false)
        Signals.onTerminate { interrupted.withLock { $0 = true } }
        var cancelSent = false
        let printer = ProgressPrinter(quiet: options.quiet)
        let submit = Message.submit(Submit(spec: spec)).encode()
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
