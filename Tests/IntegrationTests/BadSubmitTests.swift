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
        let error = try reply(to: Submit(spec: BuildSpec(id: "too-many", suite: "sim:5", maxAttempts: 50)), at: endpoint)
        #expect(error?.code == "bad-submit")
        #expect(error?.message.contains("attempts per test") == true, "\(String(describing: error))")

        // A plan naming a suite it does not have, and a file suite without a plan (the
        // coordinator runs no project command to make one): both refused by name.
        let suite = SuiteDefinition(name: "unit", adapter: .shell, directory: "/", shellTests: [ShellTest(name: "t", command: "true")])
        let spec = BuildSpec(id: "bad-plan", suite: "testfleet.toml")
        let plan = PlannedBuild(spec: spec, suites: [suite], tests: [TestCase(name: "t", suite: 3)], grantCost: 0)
        let badPlan = try reply(to: Submit(spec: spec, plan: plan), at: endpoint)
        #expect(badPlan?.code == "bad-submit")
        #expect(badPlan?.message.contains("names suite #3") == true, "\(String(describing: badPlan))")
        let noPlan = try reply(to: Submit(spec: BuildSpec(id: "no-plan", suite: "testfleet.toml")), at: endpoint)
        #expect(noPlan?.code == "bad-submit")
        #expect(noPlan?.message.contains("without a plan") == true, "\(String(describing: noPlan))")
        #expect(coordinator.process.isRunning)
    }

    /// Sends `submit` until the coordinator answers; returns its error reply (nil: none came).
    func reply(to submitMessage: Submit, at endpoint: String) throws -> ErrorMessage? {
        let socket = try ZMQSocket(ZMQContext(), kind: .dealer)
        try socket.connect(endpoint)
        let submit = Message.submit(submitMessage).encode()
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
            return nil
        }
        return error
    }
}
