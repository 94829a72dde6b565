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

    @Option(help: "A testfleet.toml path (as the coordinator sees it), or a sim: spec.")
    var suite: String

    @Option(help: "Build id (default: a new unique id). Submitting an existing id watches that build.")
    var build: String?

    @Option(help: "The commit under test.")
    var commit: String?

    @Option(help: "The branch under test.")
    var branch: String?

    @Option(help: "Base revision of the change: with --head, only the tests it affects run (as `testfleet select`).")
    var base: String?

    @Option(help: "Head revision of the change (for selection).")
    var head: String?

    @Option(help: "Extra attempts for a failing test.")
    var retries: Int = 2

    @Option(help: "Write the verdict JSON to this file.")
    var json: String?

    @Option(help: "Give up (exit 3) after this many seconds without a verdict.")
    var timeout: Double = 3600

    @Flag(help: "No progress output.")
    var quiet = false

    func run() throws {
        let spec = BuildSpec(id: build ?? RunCommand.newBuildID(), suite: suite, commit: commit ?? head, branch: branch,
                             base: base, head: head, maxAttempts: retries + 1)
        let socket: ZMQSocket
        do {
            socket = try ZMQSocket(ZMQContext(), kind: .dealer)
            try socket.connect(coordinator)
        } catch { throw CLIExit.infrastructure("cannot connect to \(coordinator): \(error)") }
        let printer = ProgressPrinter(quiet: quiet)
        let submit = Message.submit(Submit(spec: spec)).encode()
        var poller = ZMQPoller()
        let item = poller.add(socket)
        let deadline = Date(timeIntervalSinceNow: timeout)
        var lastHeard = Date.distantPast
        var lastSent = Date.distantPast
        while Date() < deadline {
            if Date().timeIntervalSince(lastHeard) > 3 && Date().timeIntervalSince(lastSent) > 2 {
                try? socket.send([submit])
                lastSent = Date()
            }
            _ = try? poller.poll(milliseconds: 200)
            guard poller.isReadable(item) else { continue }
            while let frames = try? socket.receive(), let payload = frames.last {
                guard let message = try? Message.decode(payload) else { continue }
                lastHeard = Date()
                switch message {
                case .progress(let progress): printer.update(progress)
                case .verdict(let verdict):
                    printer.finish()
                    if let json { _ = FileManager.default.createFile(atPath: json, contents: Data(verdict.json.utf8)) }
                    print(verdict.json)
                    if verdict.exitCode != 0 { throw CLIExit(code: Int32(verdict.exitCode), message: "") }
                    return
                case .error(let error):
                    printer.finish()
                    throw CLIExit(code: error.code == "bad-submit" ? 2 : 3, message: "coordinator: \(error.message)")
                default: break
                }
            }
        }
        printer.finish()
        throw CLIExit.infrastructure("no verdict from \(coordinator) within \(Int(timeout)) s")
    }
}
