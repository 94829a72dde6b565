import Foundation
import Testing
import Model
import Transport
import Wire

/// A submit the store could not hold (from an older or hand-written client) is refused with a
/// `bad-submit` error naming the limit, and the coordinator keeps running.
@Suite(.serialized) struct BadSubmitTests {
    let directory = Testfleet.temporaryDirectory()

    @Test func aSubmitBeyondTheLimitsIsRefusedByName() throws {
        let endpoint = "ipc://\(directory)/c.sock"
        let coordinator = try Testfleet.start(["coordinator", "--bind", endpoint, "--db", "d.db"], in: directory)
        defer { coordinator.signal(SIGKILL) }
        let socket = try ZMQSocket(ZMQContext(), kind: .dealer)
        try socket.connect(endpoint)
        let submit = Message.submit(Submit(spec: BuildSpec(id: "too-many", suite: "sim:5", maxAttempts: 50))).encode()
        var poller = ZMQPoller()
        let item = poller.add(socket)
        var reply: Message?
        let deadline = Date(timeIntervalSinceNow: 20)
        var lastSent = Date.distantPast
        while reply == nil && Date() < deadline {
            if Date().timeIntervalSince(lastSent) > 2 {  // the coordinator may still be binding
                try socket.send([submit])
                lastSent = Date()
            }
            _ = try poller.poll(milliseconds: 200)
            if poller.isReadable(item), let frames = try socket.receive(), let payload = frames.last {
                reply = try Message.decode(payload)
            }
        }
        guard case .error(let error)? = reply else {
            Issue.record("no error reply: \(String(describing: reply))")
            return
        }
        #expect(error.code == "bad-submit")
        #expect(error.message.contains("attempts per test"), "\(error.message)")
        #expect(coordinator.process.isRunning)
    }
}
