import Foundation
import Model
import Testing
import Transport
import Wire

/// Peers of another protocol version are refused, and both sides say so.
@Suite(.serialized) struct ProtocolVersionTests {
    let directory = Testfleet.temporaryDirectory()

    @Test func aCoordinatorRefusesAnOlderWorkersHelloAndLogsIt() throws {
        let endpoint = "ipc://\(directory)/c.sock"
        let coordinator = try Testfleet.start(["coordinator", "--bind", endpoint, "--db", "d.db"], in: directory)
        defer { coordinator.signal(SIGKILL) }
        let peer = try RawPeer(endpoint: endpoint, identity: "old")
        var refusal: ErrorMessage?
        for _ in 0..<50 where refusal == nil {
            peer.send(.hello(Hello(worker: "old", arch: .current, slots: 1, version: 1, instance: 1)))
            if case .error(let error)? = peer.await(timeout: 0.2, { if case .error = $0 { true } else { false } }) { refusal = error }
        }
        #expect(refusal?.code == "incompatible-version", "\(String(describing: refusal))")
        #expect(!peer.received.contains { if case .welcome = $0 { true } else { false } })
        usleep(200_000)
        #expect(coordinator.wait(timeout: 0.1).stderr.contains("protocol version 1"))
    }

    @Test func aWorkerRefusedByItsCoordinatorLogsItAndExits3() throws {
        let endpoint = "ipc://\(directory)/fake.sock"
        let router = try ZMQSocket(ZMQContext(), kind: .router)
        _ = try router.bind(endpoint)
        let worker = try Testfleet.start(["worker", "--connect", endpoint, "--id", "w", "--heartbeat-ms", "100"], in: directory)
        defer { worker.signal(SIGKILL) }
        var poller = ZMQPoller()
        let item = poller.add(router)
        let until = Date(timeIntervalSinceNow: 20)
        var answered = false
        while !answered && Date() < until {
            _ = try poller.poll(milliseconds: 100)
            guard poller.isReadable(item), let frames = try router.receive(), frames.count == 2,
                  case .hello? = try? Message.decode(frames[1]) else { continue }
            let error = Message.error(ErrorMessage(code: "incompatible-version", message: "this coordinator speaks version 9"))
            try router.send([frames[0], error.encode()])
            answered = true
        }
        #expect(answered)
        let finished = worker.wait(timeout: 10)
        #expect(finished.code == 3, "\(finished.stderr)")
        #expect(finished.stderr.contains("version 9"), "\(finished.stderr)")
    }
}
