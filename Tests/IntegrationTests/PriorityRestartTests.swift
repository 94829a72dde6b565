import Foundation
import Store
import Testing

/// A build's priority is stored with it: a coordinator that crashed and restarted resumes it at
/// the same place in the queue. Suites are simulated (`sim:`): the tests sleep and report.
@Suite(.serialized) struct PriorityRestartTests {
    let directory = Testfleet.temporaryDirectory()

    @Test func aResumedBuildKeepsThePriorityItWasSubmittedWith() throws {
        let endpoint = "ipc://\(directory)/c.sock"
        let arguments = ["coordinator", "--bind", endpoint, "--db", "d.db", "--heartbeat-ms", "200", "--worker-timeout-ms", "2000"]
        var coordinator = try Testfleet.start(arguments, in: directory)
        // No worker yet: both wait. A pull request's build raised to 20 by hand; a main build
        // (10 by default) after it.
        let raised = try Testfleet.start(["submit", "--coordinator", endpoint, "--suite", "sim:150,ms=5,seed=1", "--build", "raised",
                                          "--branch", "feature/x", "--priority", "20", "--quiet"], in: directory)
        let main = try Testfleet.start(["submit", "--coordinator", endpoint, "--suite", "sim:150,ms=5,seed=2", "--build", "main",
                                        "--branch", "main", "--quiet"], in: directory)
        var worker: Testfleet.Running?
        defer { for p in [raised, main, coordinator] + (worker.map { [$0] } ?? []) { p.signal(SIGKILL) } }
        let store = try Store(path: directory + "/d.db")
        #expect(Testfleet.waitUntil(timeout: 30) { (try? store.build("raised")) != nil && (try? store.build("main")) != nil })
        #expect(try store.build("raised")?.spec.priority == 20)
        #expect(try store.build("main")?.spec.priority == nil, "no --priority: the branch's default, decided when served")

        coordinator.signal(SIGKILL)  // a crash: both builds are left running in the store
        _ = coordinator.wait(timeout: 10)
        coordinator = try Testfleet.start(arguments, in: directory)
        worker = try Testfleet.start(["worker", "--connect", endpoint, "--id", "w1", "--heartbeat-ms", "200"], in: directory)
        #expect(Testfleet.waitUntil(timeout: 60) {
            (try? store.build("raised")?.isFinished) == true && (try? store.build("main")?.isFinished) == true
        })
        let log = coordinator.wait(timeout: 0).stderr
        #expect(log.contains("resuming build raised") && log.contains("resuming build main"), "\(log)")
        let raisedDone = try #require(try store.build("raised")?.finishedAt)
        let mainDone = try #require(try store.build("main")?.finishedAt)
        // One worker serves the higher priority first: priority 20 over main's 10, as before the crash.
        #expect(raisedDone < mainDone, "raised finished at \(raisedDone), main at \(mainDone)")
    }
}
