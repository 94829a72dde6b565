import Foundation
import Model
import Store
import Testing

/// A worker on another host — its own network namespace, joined to the coordinator's by a veth
/// pair, over TCP — crashes (SIGKILL) or is cut off (its link down) in the middle of a build.
/// Every test still ends with exactly one final result and the right verdict, results of the lost
/// worker that arrive late change nothing, and the coordinator notices the loss within its
/// worker timeout + 0.5 s. Suites are simulated (`sim:`): the tests sleep and report.
///
/// Needs root and iproute2's `ip` (network namespaces); skipped with that message otherwise.
@Suite(.serialized, .enabled(if: NetworkNamespace.available, NetworkNamespace.unavailableReason))
struct PartitionTests {
    let directory = Testfleet.temporaryDirectory()
    static let workerTimeoutMilliseconds = 2000
    static let tests = 2400
    /// Seeded always-failing tests (no flaky ones): the verdict must name exactly these.
    static let suite = "sim:\(tests),ms=8,seed=11,fail=0.004"

    enum Fault { case crash, partition }

    @Test func aWorkerKilledMidBuildLosesNothingAndIsNoticedWithinTheTimeout() throws {
        try runBuild(losing: .crash)
    }

    @Test func aWorkerCutOffMidBuildLosesNothingDoublesNothingAndIsNoticedWithinTheTimeout() throws {
        try runBuild(losing: .partition)
    }

    func runBuild(losing fault: Fault) throws {
        let namespace = try NetworkNamespace()
        defer { namespace.destroy() }
        // The coordinator listens on every address: the remote worker reaches it over the veth
        // pair, everything else over loopback (which the cut does not touch).
        let coordinator = try Testfleet.start(
            ["coordinator", "--bind", "tcp://0.0.0.0:*", "--db", "d.db", "--heartbeat-ms", "200",
             "--worker-timeout-ms", String(Self.workerTimeoutMilliseconds)], in: directory)
        defer { coordinator.signal(SIGKILL) }
        let port = try Testfleet.boundPort(of: coordinator, host: "0.0.0.0")
        let endpoint = "tcp://127.0.0.1:\(port)", remoteEndpoint = "tcp://\(namespace.hostAddress):\(port)"
        let survivor = try Testfleet.start(
            ["worker", "--connect", endpoint, "--id", "survivor", "--slots", "2", "--heartbeat-ms", "200"], in: directory)
        let victim = try namespace.start(
            [Testfleet.binary, "worker", "--connect", remoteEndpoint, "--id", "victim", "--slots", "2", "--heartbeat-ms", "200"],
            in: directory)
        defer { for process in [victim, survivor] { process.signal(SIGKILL) } }
        let client = try Testfleet.start(
            ["submit", "--coordinator", endpoint, "--suite", Self.suite, "--build", "p", "--retries", "1",
             "--confirm-runs", "0", "--json", "v.json", "--quiet"], in: directory)
        defer { client.signal(SIGKILL) }
        let store = try Store(path: directory + "/d.db")

        // Mid-build: the remote worker has stored results, and most of the build is still to run.
        let started = Testfleet.waitUntil(timeout: 60) {
            let results = (try? store.results(build: "p")) ?? []
            return results.filter { $0.worker == "victim" }.count >= 100
        }
        #expect(started, "the worker in namespace \(namespace.name) never reported; coordinator: \(coordinator.wait(timeout: 0).stderr)")
        #expect(try store.resultCount(build: "p") < Self.tests / 2, "the fault must come mid-build")

        let faultAt = Date()
        switch fault {
        case .crash: victim.signal(SIGKILL)
        case .partition: try namespace.cutOff()
        }
        var noticedAt: Date?
        _ = Testfleet.waitUntil(timeout: Double(Self.workerTimeoutMilliseconds) / 1000 + 5) {
            let log = (try? String(contentsOfFile: coordinator.stderrPath, encoding: .utf8)) ?? ""
            if log.contains("worker victim lost") { noticedAt = Date() }
            return noticedAt != nil
        }
        let noticed = try #require(noticedAt, "the coordinator never said it lost the worker")
        let limit = Double(Self.workerTimeoutMilliseconds) / 1000 + 0.5
        #expect(noticed.timeIntervalSince(faultAt) <= limit,
                "lost after \(noticed.timeIntervalSince(faultAt)) s; the limit is the worker timeout + 0.5 s = \(limit) s")
        if fault == .partition {
            // The link comes back: the cut-off worker says hello again and resends what was never
            // acknowledged; results of leases it no longer holds are refused, not stored twice.
            try namespace.reconnect()
        }

        let finished = client.wait(timeout: 120)
        #expect(finished.code == 1, "the seeded failures fail the gate: \(finished.stderr)")
        let verdict = try JSONDecoder().decode(Verdict.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/v.json")))
        let simulated = try SimulatedSuite(parsing: Self.suite)
        let seededFailures = Set((0..<Self.tests).filter(simulated.alwaysFails).map(simulated.name(of:)))
        #expect(!seededFailures.isEmpty)
        #expect(Set(verdict.failures.map(\.test)) == seededFailures, "the verdict names exactly the seeded failures")

        // Every test: exactly one result per attempt, attempts 1...n with no gap, and one final
        // one — a pass at attempt 1, or a failure at attempt 2 (one retry, no confirmation runs).
        let results = try store.results(build: "p")
        let byTest = Dictionary(grouping: results, by: \.test)
        #expect(byTest.count == Self.tests, "every test has results")
        for (test, rows) in byTest {
            let attempts = rows.map(\.attempt).sorted()
            if seededFailures.contains(test) {
                #expect(attempts == [1, 2] && rows.allSatisfy { $0.outcome == .failed }, "\(test): \(rows.map { ($0.attempt, $0.outcome) })")
            } else {
                #expect(attempts == [1] && rows[0].outcome == .passed, "\(test): \(rows.map { ($0.attempt, $0.outcome) })")
            }
        }
        #expect(results.count == Self.tests + seededFailures.count)
        let log = coordinator.wait(timeout: 0).stderr
        #expect(log.contains("lease(s) requeued"), "the lost worker's leases went back to the queue: \(log)")
    }
}

/// A network namespace with a veth pair to this one: a separate host as far as TCP is concerned.
/// Names and the /30 subnet are random, so tests of other checkouts on this machine do not
/// collide.
struct NetworkNamespace {
    static let ip = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var available: Bool { getuid() == 0 && ip != nil }
    static let unavailableReason: Comment =
        "needs root and iproute2's `ip` to make network namespaces (veth pairs) for the partition and crash tests; skipped"

    let name: String
    let hostInterface: String
    let namespaceInterface: String
    let hostAddress: String
    let namespaceAddress: String

    init() throws {
        let tag = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        name = "tf-it-\(tag)"
        hostInterface = "tfh\(tag)"
        namespaceInterface = "tfn\(tag)"
        let subnet = "10.\(Int.random(in: 200...250)).\(Int.random(in: 0...255))"
        let base = 4 * Int.random(in: 0...63)
        hostAddress = "\(subnet).\(base + 1)"
        namespaceAddress = "\(subnet).\(base + 2)"
        try Self.ip(["netns", "add", name])
        do {
            try Self.ip(["link", "add", hostInterface, "type", "veth", "peer", "name", namespaceInterface])
            try Self.ip(["link", "set", namespaceInterface, "netns", name])
            try Self.ip(["addr", "add", "\(hostAddress)/30", "dev", hostInterface])
            try Self.ip(["link", "set", hostInterface, "up"])
            try Self.ip(["netns", "exec", name, Self.ip!, "addr", "add", "\(namespaceAddress)/30", "dev", namespaceInterface])
            try Self.ip(["netns", "exec", name, Self.ip!, "link", "set", namespaceInterface, "up"])
            try Self.ip(["netns", "exec", name, Self.ip!, "link", "set", "lo", "up"])
        } catch {
            destroy()
            throw error
        }
    }

    /// Runs a program inside the namespace (`ip netns exec` becomes it: the pid is the program's).
    func start(_ arguments: [String], in directory: String) throws -> Testfleet.Running {
        try Testfleet.start(["netns", "exec", name] + arguments, in: directory, executable: Self.ip!)
    }

    /// The link goes down: packets either way are dropped, no connection is closed.
    func cutOff() throws { try Self.ip(["link", "set", hostInterface, "down"]) }

    func reconnect() throws { try Self.ip(["link", "set", hostInterface, "up"]) }

    /// Deleting the namespace deletes its end of the pair, and with it ours.
    func destroy() {
        try? Self.ip(["netns", "del", name])
        try? Self.ip(["link", "del", hostInterface])
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func ip(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ip!)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw Failure(description: "ip \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(said)")
        }
    }
}
