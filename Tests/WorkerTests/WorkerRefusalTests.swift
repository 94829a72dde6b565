import Model
import Testing
import Wire
@testable import Worker

/// A worker that cannot take what it is sent says so rather than going quiet.
@Suite struct WorkerRefusalTests {
    let transport = InMemoryTransport()
    let runner = ListRunner()

    func welcomed() -> WorkerSession<InMemoryTransport, ListRunner> {
        let config = WorkerConfig(endpoint: "tcp://127.0.0.1:0", id: "w1", arch: .x86_64, slots: 1)
        var session = WorkerSession(config: config, transport: transport, runner: runner, pid: 7, instance: 3)
        session.start(now: 1000)
        transport.deliver(.welcome(Welcome(session: "c1", heartbeatMilliseconds: 1000)))
        _ = session.receiveAll(now: 1000)
        transport.sent.removeAll()
        return session
    }

    @Test func aGrantThatDoesNotDecodeIsRefusedByItsLeaseID() throws {
        var session = welcomed()
        var bytes = Message.assign(Assign(lease: 41, build: "b1", suite: SuiteDefinition(name: "s", adapter: .simulated, directory: "/"),
                                          deadlineMilliseconds: 5000, tests: [GrantedTest(name: "t1", attempt: 1)])).encode()
        bytes.append(0x07)  // wire type 7 does not exist: the reader cannot go on past it
        #expect(throws: WireError.self) { try Message.decode(bytes) }
        transport.incoming.append(bytes)
        #expect(session.receiveAll(now: 1100) == .stay)
        #expect(runner.grants.isEmpty)
        let sent = transport.takeSent()
        guard case .refusal(let refusal) = try #require(sent.first) else {
            Issue.record("expected a refusal, got \(sent)")
            return
        }
        #expect(refusal.lease == 41 && refusal.reason.contains("cannot decode"))
    }

    @Test func aRevokedLeaseIsCancelledAndNoLongerHeld() {
        var session = welcomed()
        transport.deliver(.assign(Assign(lease: 5, build: "b1", suite: SuiteDefinition(name: "s", adapter: .simulated, directory: "/"),
                                         deadlineMilliseconds: 5000, tests: [GrantedTest(name: "t1", attempt: 1)])))
        _ = session.receiveAll(now: 1100)
        #expect(session.leasesHeld == [5])
        transport.deliver(.revoke(Revoke(lease: 5, reason: "build cancelled")))
        _ = session.receiveAll(now: 1200)
        #expect(session.leasesHeld.isEmpty && runner.cancelled == [5])
    }

    @Test func anIncompatibleCoordinatorEndsTheWorker() {
        var session = welcomed()
        transport.deliver(.error(ErrorMessage(code: "incompatible-version", message: "protocol 9")))
        #expect(session.receiveAll(now: 1100) == .refused)
        transport.deliver(.welcome(Welcome(session: "c2", heartbeatMilliseconds: 1000, version: 99)))
        #expect(session.receiveAll(now: 1200) == .refused)
    }

    @Test func aRefusedBatchIsNotSentAgain() {
        var session = welcomed()
        session.sendBatch((lease: 1, build: "b1", results: [TestResult(test: "t1", attempt: 1, outcome: .passed,
                                                                         duration: 0, worker: "w1", arch: .x86_64)]), now: 1000)
        #expect(session.unacked.count == 1)
        transport.deliver(.ack(Ack(sequence: 1, refused: "lease 1 is not held")))
        _ = session.receiveAll(now: 1100)
        #expect(session.unacked.isEmpty)
    }

    /// Results sent before the worker heard that their lease was revoked will be refused: that
    /// refusal is expected (not logged), unlike one for a lease it still holds.
    @Test func aBatchWhoseLeaseWasRevokedExpectsItsRefusal() {
        var session = welcomed()
        let suite = SuiteDefinition(name: "s", adapter: .simulated, directory: "/")
        for lease: UInt64 in [5, 6] {
            transport.deliver(.assign(Assign(lease: lease, build: "b1", suite: suite, deadlineMilliseconds: 5000,
                                             tests: [GrantedTest(name: "t\(lease)", attempt: 1)])))
        }
        _ = session.receiveAll(now: 1100)
        let result = TestResult(test: "t5", attempt: 1, outcome: .passed, duration: 0, worker: "w1", arch: .x86_64)
        let sent = session.sendBatch((lease: 5, build: "b1", results: [result]), now: 1150)
        let held = session.sendBatch((lease: 6, build: "b1", results: [result]), now: 1150)
        transport.deliver(.revoke(Revoke(lease: 5, reason: "build finished")))
        _ = session.receiveAll(now: 1200)
        #expect(session.unacked[sent]?.revoked == true && session.unacked[held]?.revoked == false)
        let after = session.sendBatch((lease: 5, build: "b1", results: [result]), now: 1250)
        #expect(session.unacked[after]?.revoked == true, "sent after the revoke")
    }
}

/// A worker reports the machine it runs on unless told otherwise, and says when it is told.
@Suite struct MachineArchTests {
    @Test func theMachinesArchIsReportedAndAnOverrideIsLogged() {
        let machine = MachineArch.machine
        #expect(!machine.isEmpty)
        let (arch, note) = MachineArch.reported(override: nil)
        if let detected = MachineArch.detected {
            #expect(arch == detected && note == nil)
        }
        let other: Arch = arch == .x86_64 ? .aarch64 : .x86_64
        let overridden = MachineArch.reported(override: other)
        #expect(overridden.arch == other)
        #expect(overridden.note?.contains("--arch") == true && overridden.note?.contains(machine) == true)
    }
}
