import Foundation
import Testing
import Store

/// A separate `coordinator` + `worker` pair with a `submit` client, as in production.
@Suite(.serialized) struct ServiceRestartTests {
    let directory = Testfleet.temporaryDirectory()

    @Test func workersReconnectAndTheBuildFinishesAfterACoordinatorRestart() throws {
        let endpoint = "ipc://\(directory)/coord.sock"
        let coordinatorArgs = ["coordinator", "--bind", endpoint, "--db", "d.db", "--heartbeat-ms", "200",
                               "--worker-timeout-ms", "1500"]
        var coordinator = try Testfleet.start(coordinatorArgs, in: directory)
        let workers = try (1...2).map { i in
            try Testfleet.start(["worker", "--connect", endpoint, "--id", "w\(i)", "--heartbeat-ms", "200"], in: directory)
        }
        defer {
            for worker in workers { worker.signal(SIGKILL) }
            coordinator.signal(SIGKILL)
        }
        let client = try Testfleet.start(["submit", "--coordinator", endpoint, "--suite", "sim:400,ms=25,seed=5",
                                          "--build", "r", "--json", "v.json", "--quiet"], in: directory)
        let store = try Store(path: directory + "/d.db")
        #expect(Testfleet.waitUntil(timeout: 30) { ((try? store.resultCount(build: "r")) ?? 0) > 40 })
        coordinator.signal(SIGKILL)  // a crash, not a polite stop
        _ = coordinator.wait(timeout: 10)
        let before = try store.resultCount(build: "r")
        #expect(before < 400, "the restart must happen mid-run")
        coordinator = try Testfleet.start(coordinatorArgs, in: directory)
        let finished = client.wait(timeout: 120)
        #expect(finished.code == 0, "submit: \(finished.stderr)")
        #expect(finished.stdout.contains("\"verdict\":\"pass\""), "\(finished.stdout)")
        let results = try store.results(build: "r")
        #expect(Set(results.map(\.test)).count == 400)
        #expect(results.count == 400, "results stored before the crash were kept, none run twice into the store")
        let err = coordinator.wait(timeout: 0.1).stderr
        #expect(err.contains("resuming build r"), "\(err)")
        // SIGTERM drains a worker politely.
        workers[0].signal(SIGTERM)
        #expect(workers[0].wait(timeout: 30).code == 0)
    }

    @Test func tcpEndpointsWorkToo() throws {
        let coordinator = try Testfleet.start(["coordinator", "--bind", "tcp://127.0.0.1:*", "--db", "t.db"], in: directory)
        let port = try Testfleet.boundPort(of: coordinator, host: "127.0.0.1")
        let worker = try Testfleet.start(["worker", "--connect", "tcp://127.0.0.1:\(port)", "--id", "tcp-w", "--slots", "2"],
                                         in: directory)
        defer {
            worker.signal(SIGKILL)
            coordinator.signal(SIGKILL)
        }
        let client = try Testfleet.run(["submit", "--coordinator", "tcp://127.0.0.1:\(port)", "--suite", "sim:500,seed=2",
                                        "--build", "tcp", "--quiet"], in: directory, timeout: 60)
        #expect(client.code == 0, "\(client.stderr)")
        #expect(try Store(path: directory + "/t.db").resultCount(build: "tcp") == 500)
    }
}
