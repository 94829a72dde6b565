// A CI client speaking the wire protocol from inside the bench: submits builds, hears their
// progress and verdicts, cancels. One DEALER socket, used from one thread.
import Foundation
import Model
import Transport
import Wire

final class BenchClient {
    let socket: ZMQSocket
    var poller = ZMQPoller()
    let item: Int
    /// Verdicts heard so far: build → (exit code, when heard).
    private(set) var verdicts: [String: (code: Int, at: Double)] = [:]
    /// The latest progress of each build, and when its first progress came.
    private(set) var progress: [String: BuildProgress] = [:]
    private(set) var firstProgressAt: [String: Double] = [:]
    private(set) var errors: [String] = []

    init(endpoint: String) throws {
        socket = try ZMQSocket(ZMQContext(), kind: .dealer)
        try socket.connect(endpoint)
        item = poller.add(socket)
    }

    func submit(_ submit: Submit) throws { try socket.send([Message.submit(submit).encode()]) }

    func cancel(_ build: String) throws {
        try socket.send([Message.cancel(CancelBuild(build: build, reason: "bench: cancelled once admitted")).encode()])
    }

    /// Receives for up to `seconds` (less once `until` holds).
    func pump(seconds: Double, until: () -> Bool = { false }) {
        let end = monotonicSeconds() + seconds
        while monotonicSeconds() < end && !until() {
            _ = try? poller.poll(milliseconds: 5)
            while poller.isReadable(item), let frames = try? socket.receive(), let payload = frames.last {
                guard let message = try? Message.decode(payload) else { continue }
                let now = monotonicSeconds()
                switch message {
                case .verdict(let verdict): verdicts[verdict.build] = (verdict.exitCode, now)
                case .progress(let p):
                    progress[p.build] = p
                    if firstProgressAt[p.build] == nil { firstProgressAt[p.build] = now }
                case .error(let error): errors.append("\(error.code): \(error.message)")
                default: break
                }
            }
        }
    }

    /// Submits and waits for the verdict; returns (exit code, seconds from submit to verdict).
    func run(_ submit: Submit, timeout: Double) throws -> (code: Int, seconds: Double) {
        let start = monotonicSeconds()
        try self.submit(submit)
        pump(seconds: timeout) { verdicts[submit.spec.id] != nil || !errors.isEmpty }
        if let error = errors.first { throw BenchFailure("build \(submit.spec.id): coordinator said \(error)") }
        guard let verdict = verdicts[submit.spec.id] else { throw BenchFailure("build \(submit.spec.id): no verdict in \(timeout) s") }
        return (verdict.code, verdict.at - start)
    }
}

extension Submit {
    /// A `sim:` build the coordinator plans itself.
    static func simulated(_ id: String, _ suite: String, priority: Int? = nil) -> Submit {
        var spec = BuildSpec(id: id, suite: suite)
        spec.priority = priority
        return Submit(spec: spec)
    }

    /// A simulated build planned here, every test pinned to `arch` (so only workers of that arch
    /// take it): the coordinator validates the plan and predicts from its history, as for any
    /// build `submit` planned in a CI checkout.
    static func pinned(_ id: String, _ suite: SimulatedSuite, to arch: Arch, priority: Int? = nil,
                       branch: String? = nil, commit: String? = nil, maxAttempts: Int = 1) -> Submit {
        var spec = BuildSpec(id: id, suite: suite.spec)
        spec.priority = priority
        spec.branch = branch
        spec.commit = commit
        spec.maxAttempts = maxAttempts
        let tests = (0..<suite.count).map { TestCase(name: suite.name(of: $0), suite: 0, arch: arch, index: $0) }
        let plan = PlannedBuild(spec: spec, suites: [.simulated(suite)], tests: tests, grantCost: 0.000_2)
        return Submit(spec: spec, plan: plan)
    }
}
