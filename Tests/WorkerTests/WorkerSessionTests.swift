import Model
import Testing
import Wire
@testable import Worker

/// The worker's side of the protocol, driven in memory with a hand-turned clock.
@Suite struct WorkerSessionTests {
    typealias Session = WorkerSession<InMemoryTransport, ListRunner>

    let transport = InMemoryTransport()
    let runner = ListRunner()

    /// A session that said hello at t = 1000 ms and was welcomed (heartbeat 1000 ms).
    func welcomed(exitOnGoodbye: Bool = false) -> Session {
        let config = WorkerConfig(endpoint: "tcp://127.0.0.1:0", id: "w1", arch: .x86_64, slots: 2,
                                  heartbeatMilliseconds: 1000, exitOnGoodbye: exitOnGoodbye)
        var session = Session(config: config, transport: transport, runner: runner, pid: 77, instance: 5)
        session.start(now: 1000)
        transport.deliver(.welcome(Welcome(session: "coordinator-1", heartbeatMilliseconds: 1000)))
        _ = session.receiveAll(now: 1000)
        return session
    }

    /// A grant for t1 and t2, run and reported at t = 1000.
    func reportOneLease(_ session: inout Session) throws -> ResultBatch {
        transport.deliver(.assign(Assign(lease: 9, build: "b1", suite: SuiteDefinition(name: "s", adapter: .simulated,
                                                                                         directory: "/"),
                                         deadlineMilliseconds: 5000,
                                         tests: [GrantedTest(name: "t1", attempt: 1), GrantedTest(name: "t2", attempt: 1)])))
        _ = session.receiveAll(now: 1000)
        let grant = try #require(runner.grants.first)
        #expect(session.leasesHeld == [9])
        transport.sent.removeAll()
        runner.complete(grant, .passed, worker: "w1")
        session.reportFinished(now: 1000)
        #expect(session.leasesHeld.isEmpty)
        let sent = transport.takeSent()
        #expect(sent.count == 1)
        return try #require(sent.first?.results)
    }

    @Test func theFirstHelloIntroducesThisProcess() throws {
        _ = welcomed()
        guard case .hello(let hello) = try #require(transport.takeSent().first) else {
            Issue.record("the first message is not a hello")
            return
        }
        #expect(hello.worker == "w1" && hello.slots == 2 && hello.pid == 77 && hello.instance == 5)
    }

    @Test func anUnacknowledgedBatchIsSentAgainAfterThreeHeartbeats() throws {
        var session = welcomed()
        let batch = try reportOneLease(&session)
        #expect(batch.sequence == 1 && batch.lease == 9 && batch.results.map(\.test) == ["t1", "t2"])

        transport.deliver(.heartbeat(Heartbeat()))
        _ = session.receiveAll(now: 3900)
        #expect(session.endTurn(now: 4000, stopRequested: false) == .stay)  // 3000 ms: not yet
        #expect(transport.takeSent().compactMap(\.results).isEmpty)

        #expect(session.endTurn(now: 4001, stopRequested: false) == .stay)
        #expect(transport.takeSent().compactMap(\.results) == [batch])

        transport.deliver(.ack(Ack(sequence: 1)))
        _ = session.receiveAll(now: 4100)
        transport.deliver(.heartbeat(Heartbeat()))
        _ = session.receiveAll(now: 7500)
        _ = session.endTurn(now: 8000, stopRequested: false)
        #expect(transport.takeSent().compactMap(\.results).isEmpty)
        #expect(session.unacked.isEmpty)
    }

    @Test func aNewCoordinatorGetsEveryUnacknowledgedBatchAtOnce() throws {
        var session = welcomed()
        let batch = try reportOneLease(&session)
        transport.deliver(.welcome(Welcome(session: "coordinator-1", heartbeatMilliseconds: 1000)))
        _ = session.receiveAll(now: 1200)  // the same coordinator again: nothing to resend
        #expect(transport.takeSent().isEmpty)
        transport.deliver(.welcome(Welcome(session: "coordinator-2", heartbeatMilliseconds: 1000)))
        _ = session.receiveAll(now: 1300)
        #expect(transport.takeSent().compactMap(\.results) == [batch])
    }

    @Test func aSilentCoordinatorGetsHelloAgain() {
        var session = welcomed()
        _ = transport.takeSent()
        _ = session.endTurn(now: 2500, stopRequested: false)
        let heard = transport.takeSent()
        #expect(!heard.contains { $0.isHello })
        #expect(heard.contains { if case .heartbeat = $0 { true } else { false } })

        _ = session.endTurn(now: 4001, stopRequested: false)  // 3001 ms since the coordinator spoke
        #expect(transport.takeSent().filter(\.isHello).count == 1)
        _ = session.endTurn(now: 4500, stopRequested: false)  // one hello per heartbeat interval
        #expect(!transport.takeSent().contains { $0.isHello })
        _ = session.endTurn(now: 5001, stopRequested: false)
        #expect(transport.takeSent().filter(\.isHello).count == 1)
    }

    @Test func aCoordinatorThatDoesNotKnowThisWorkerGetsHelloAtOnce() {
        var session = welcomed()
        _ = transport.takeSent()
        transport.deliver(.error(ErrorMessage(code: "unknown-worker", message: "say hello first")))
        _ = session.receiveAll(now: 1100)
        #expect(transport.takeSent().filter(\.isHello).count == 1)
    }

    @Test func aStopDrainsTheLeasesThenSaysGoodbye() throws {
        var session = welcomed()
        transport.deliver(.assign(Assign(lease: 3, build: "b1", suite: SuiteDefinition(name: "s", adapter: .simulated,
                                                                                         directory: "/"),
                                         deadlineMilliseconds: 5000, tests: [GrantedTest(name: "t1", attempt: 1)])))
        _ = session.receiveAll(now: 1000)
        _ = transport.takeSent()
        #expect(session.endTurn(now: 1100, stopRequested: true) == .stay)
        #expect(transport.takeSent().contains(.ready(Ready(freeSlots: 0))))

        runner.complete(try #require(runner.grants.first), .failed, worker: "w1")
        session.reportFinished(now: 1200)
        #expect(session.endTurn(now: 1200, stopRequested: true) == .stay)  // waiting for the ack
        transport.deliver(.ack(Ack(sequence: 1)))
        _ = session.receiveAll(now: 1300)
        #expect(session.endTurn(now: 1300, stopRequested: true) == .leave)
        #expect(transport.takeSent().last == .goodbye(Goodbye(reason: "worker stopping")))
    }

    @Test func aGoodbyeEndsALocalWorkerOnly() {
        var local = welcomed(exitOnGoodbye: true)
        transport.deliver(.goodbye(Goodbye(reason: "done")))
        #expect(local.receiveAll(now: 1500) == .leave)

        var standing = welcomed(exitOnGoodbye: false)
        transport.deliver(.goodbye(Goodbye(reason: "restarting")))
        #expect(standing.receiveAll(now: 1500) == .stay)
        #expect(standing.session == nil)
    }
}
