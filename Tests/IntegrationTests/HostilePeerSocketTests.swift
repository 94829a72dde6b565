import Foundation
import Model
import Store
import Testing
import Wire

/// A real coordinator and a real worker process, with a hostile or broken peer on the same real
/// socket (a `RawPeer` in this process, standing in for a worker that misbehaves in that one
/// way). Every test of the build still ends with exactly one final result and the right
/// verdict, and nothing a peer forged is stored.
@Suite(.serialized) struct HostilePeerSocketTests {
    let directory = Testfleet.temporaryDirectory()
    var endpoint: String { "ipc://\(directory)/c.sock" }
    static let testCount = 6

    /// A shell suite of quick passing tests with a 1 s per-test timeout (so a stalled lease's
    /// deadline comes within seconds with `--lease-grace 1`).
    func writeSuite() throws -> String {
        let tests = (1...Self.testCount).map { "t\($0) = \"true\"" }.joined(separator: "\n")
        let text = "[[suite]]\nname = \"sh\"\nadapter = \"shell\"\ntimeout_s = 1\n[suite.tests]\n\(tests)\n"
        try text.write(toFile: directory + "/s.toml", atomically: true, encoding: .utf8)
        return directory + "/s.toml"
    }

    func startCoordinator() throws -> Testfleet.Running {
        try Testfleet.start(["coordinator", "--bind", endpoint, "--db", "d.db", "--heartbeat-ms", "200",
                             "--worker-timeout-ms", "1500", "--lease-grace", "1"], in: directory)
    }

    /// Says hello as a 1-slot worker until welcomed.
    func helloed(_ peer: RawPeer, id: String) -> Bool {
        for _ in 0..<50 {
            peer.send(.hello(Hello(worker: id, arch: .current, slots: 1, instance: 7)))
            if peer.await(timeout: 0.2, { if case .welcome = $0 { true } else { false } }) != nil { return true }
        }
        return false
    }

    /// Submits the suite, lets `hostile` play its part, starts an honest worker, calls
    /// `meanwhile` until the submit ends, and checks the verdict and the stored results.
    func runBuild(id: String, hostile: (Testfleet.Running) -> Void, meanwhile: () -> Void = {}) throws {
        let suite = try writeSuite()
        let submit = try Testfleet.start(["submit", "--coordinator", endpoint, "--suite", suite, "--build", id,
                                          "--retries", "0", "--quiet"], in: directory)
        defer { submit.signal(SIGKILL) }
        hostile(submit)
        let worker = try Testfleet.start(["worker", "--connect", endpoint, "--id", "honest", "--heartbeat-ms", "200"],
                                         in: directory)
        defer { worker.signal(SIGKILL) }
        let until = Date(timeIntervalSinceNow: 60)
        while submit.process.isRunning && Date() < until { meanwhile() }
        let finished = submit.wait(timeout: 1)
        #expect(finished.code == 0, "submit: \(finished.stderr)")
        #expect(finished.stdout.contains("\"verdict\":\"pass\""), "\(finished.stdout)")
        let results = try Store(path: directory + "/d.db").results(build: id)
        #expect(results.count == Self.testCount, "one result per test: \(results.map(\.test))")
        #expect(Set(results.map(\.test)).count == Self.testCount)
        #expect(results.allSatisfy { $0.worker == "honest" }, "\(results.map(\.worker))")
    }

    @Test func aWorkerThatHeartbeatsButNeverFinishesAndClaimsHugeCapacityLosesItsLeases() throws {
        let coordinator = try startCoordinator()
        defer { coordinator.signal(SIGKILL) }
        let peer = try RawPeer(endpoint: endpoint, identity: "stalling")
        #expect(helloed(peer, id: "stalling"))
        // Holds whatever it gets, asks for 2^40 more, and heartbeats as if all were well.
        let stall = {
            peer.send(.ready(Ready(freeSlots: 1 << 40)))
            peer.send(.heartbeat(Heartbeat(leases: peer.assigns.map(\.lease))))
            peer.pump(seconds: 0.2)
        }
        try runBuild(id: "stall", hostile: { _ in
            for _ in 0..<10 { stall() }
            #expect(peer.assigns.count <= 2, "one slot, two grants per slot, whatever ready says")
            #expect(!peer.assigns.isEmpty)
        }, meanwhile: stall)
        peer.pump(seconds: 0.3)
        let revoked = peer.received.compactMap { if case .revoke(let r) = $0 { r.lease } else { nil } }
        #expect(Set(revoked) == Set(peer.assigns.map(\.lease)))
        let log = coordinator.wait(timeout: 0.1).stderr
        #expect(log.contains("outlived its deadline"), "\(log)")
    }

    @Test func aWorkerThatRefusesItsGrantsHasThemRunElsewhere() throws {
        let coordinator = try startCoordinator()
        defer { coordinator.signal(SIGKILL) }
        let peer = try RawPeer(endpoint: endpoint, identity: "refusing")
        #expect(helloed(peer, id: "refusing"))
        try runBuild(id: "refuse", hostile: { _ in
            // What a worker does with a grant it cannot decode (WorkerRefusalTests covers the
            // decoding side): it refuses the lease by id.
            peer.pump(seconds: 2) { message in
                if case .assign(let assign) = message {
                    peer.send(.refusal(Refusal(lease: assign.lease, reason: "the worker cannot decode this grant")))
                }
            }
            #expect(!peer.assigns.isEmpty)
        })
        let log = coordinator.wait(timeout: 0.1).stderr
        #expect(log.contains("refused lease"), "\(log)")
    }

    @Test func aWorkerThatVanishesRightAfterHelloLosesItsGrants() throws {
        let coordinator = try startCoordinator()
        defer { coordinator.signal(SIGKILL) }
        var peer: RawPeer? = try RawPeer(endpoint: endpoint, identity: "ghost")
        #expect(helloed(peer!, id: "ghost"))
        try runBuild(id: "ghost", hostile: { _ in
            _ = peer!.await(timeout: 10) { if case .assign = $0 { true } else { false } }
            peer = nil  // the socket closes: no goodbye, no heartbeat, ever
        })
    }

    @Test func resultsForgedByAPeerWithoutASessionAreRefusedAndTheVerdictStands() throws {
        let coordinator = try startCoordinator()
        defer { coordinator.signal(SIGKILL) }
        let worker = try Testfleet.start(["worker", "--connect", endpoint, "--id", "honest", "--heartbeat-ms", "200"],
                                         in: directory)
        defer { worker.signal(SIGKILL) }
        let failing = try Testfleet.run(["submit", "--coordinator", endpoint, "--suite", "sim:50,seed=3,fail=0.2",
                                         "--build", "forged", "--retries", "1", "--confirm-runs", "0", "--quiet"],
                                        in: directory, timeout: 60)
        #expect(failing.code == 1, "\(failing.stderr)")
        let store = try Store(path: directory + "/d.db")
        let before = try store.results(build: "forged")
        let failed = Set(before.filter { $0.outcome.isFailure }.map(\.test))
        #expect(!failed.isEmpty)
        // A forger that never said hello reports every failed test as passed on its next attempt.
        let forger = try RawPeer(endpoint: endpoint, identity: "forger")
        let forged = failed.map { TestResult(test: $0, attempt: 2, outcome: .passed, duration: 0.01, worker: "honest", arch: .current) }
        forger.send(.results(ResultBatch(lease: 1, build: "forged", sequence: 1, results: forged)))
        let reply = forger.await(timeout: 10) { if case .ack = $0 { true } else { false } }
        guard case .ack(let ack)? = reply else {
            Issue.record("no answer to the forged batch")
            return
        }
        #expect(ack.refused != nil)
        #expect(try store.results(build: "forged").count == before.count, "nothing forged is stored")
        let gate = try Testfleet.run(["gate", "--build", "forged", "--db", "d.db"], in: directory)
        #expect(gate.code == 1, "the gate still fails: \(gate.stdout) \(gate.stderr)")
        #expect(coordinator.wait(timeout: 0.1).stderr.contains("refused"))
    }
}
