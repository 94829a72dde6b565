import Builds
import Coordinator
import Dashboard
import Foundation
import Model
import Store
import Testing

/// The HTTP side of a real coordinator: `testfleet coordinator --http` with a real worker and
/// real `submit` clients (processes), its `/metrics` parsed by the Prometheus project's own
/// parser (PyPI prometheus_client), and `/readyz` following an in-process coordinator's loop.
@Suite(.serialized) struct CoordinatorHTTPTests {
    /// The `testfleet` binary built beside this test bundle.
    static var binary: String {
        if let explicit = ProcessInfo.processInfo.environment["TESTFLEET_BIN"] { return explicit }
        return URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("testfleet").path
    }

    static func start(_ arguments: [String], in directory: String, log: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardError = process.standardOutput
        try process.run()
        return process
    }

    /// Polls without blocking a thread of the concurrency pool.
    static func waitUntil(_ seconds: Double, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while Date() < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try condition()
    }

    static func exit(_ process: Process, timeout: Double = 120) async throws -> Int32 {
        _ = try await waitUntil(timeout) { !process.isRunning }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Parses Prometheus text with prometheus_client; returns (name, labels, value) per sample.
    static func parsePrometheus(_ text: String) throws -> [(name: String, labels: [String: String], value: Double)] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import sys, json
            from prometheus_client.parser import text_string_to_metric_families
            print(json.dumps([[s.name, s.labels, s.value] for f in text_string_to_metric_families(sys.stdin.read()) for s in f.samples]))
            """]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let rows = try JSONSerialization.jsonObject(with: data) as? [[Any]] else {
            throw ParseFailure(text: "prometheus_client refused the text: \(problem)")
        }
        return rows.map { ($0[0] as! String, $0[1] as! [String: String], ($0[2] as! NSNumber).doubleValue) }
    }

    struct ParseFailure: Error { var text: String }

    @Test func metricsFromARealFleetParseAsPrometheusText() async throws {
        let directory = DashboardHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "token-\(UUID().uuidString)\n".write(toFile: directory + "/token", atomically: true, encoding: .utf8)
        let endpoint = "ipc://\(directory)/c.sock"
        let receiver = WebhookReceiver()
        try await receiver.start()
        defer { receiver.stop() }
        let coordinator = try Self.start(["coordinator", "--bind", endpoint, "--db", "d.db", "--http", "127.0.0.1:0",
                                          "--http-token-file", "token", "--heartbeat-ms", "200", "--worker-timeout-ms", "2000",
                                          "--webhook", "http://127.0.0.1:\(receiver.port)/hook"],
                                         in: directory, log: directory + "/coordinator.log")
        defer { coordinator.terminate(); coordinator.waitUntilExit() }
        var port = 0
        #expect(try await Self.waitUntil(30) {
            let log = (try? String(contentsOfFile: directory + "/coordinator.log", encoding: .utf8)) ?? ""
            guard let range = log.range(of: "HTTP on http://127.0.0.1:") else { return false }
            port = Int(log[range.upperBound...].prefix { $0.isNumber }) ?? 0
            return port > 0
        })
        let http = HTTPClient(port: port)
        #expect(try await http.get("/readyz").status == 200)
        let worker = try Self.start(["worker", "--connect", endpoint, "--id", "w1", "--heartbeat-ms", "200"], in: directory,
                                    log: directory + "/worker.log")
        defer { worker.terminate(); worker.waitUntilExit() }
        let green = try Self.start(["submit", "--coordinator", endpoint, "--suite", "sim:300,ms=0,seed=1", "--build", "m1",
                                    "--branch", "main", "--commit", "aaa", "--quiet"], in: directory, log: directory + "/s1.log")
        #expect(try await Self.exit(green) == 0)
        let red = try Self.start(["submit", "--coordinator", endpoint, "--suite", "sim:200,ms=0,fail=0.05,seed=2", "--build", "m2",
                                  "--branch", "main", "--commit", "bbb", "--quiet", "--confirm-runs", "0"],
                                 in: directory, log: directory + "/s2.log")
        #expect(try await Self.exit(red) == 1)

        var samples: [(name: String, labels: [String: String], value: Double)] = []
        func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
            samples.first { $0.name == name && $0.labels == labels }?.value
        }
        for _ in 0..<200 {
            samples = try Self.parsePrometheus(try await http.get("/metrics").body)
            if value("testfleet_builds_finished_total", ["verdict": "fail"]) == 1 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let store = try Store(path: directory + "/d.db")
        let stored = try store.resultCount(build: "m1") + store.resultCount(build: "m2")
        let counted = samples.filter { $0.name == "testfleet_results_total" }.reduce(0) { $0 + $1.value }
        #expect(Int(counted) == stored && stored > 500, "metrics count \(counted) results, the store holds \(stored)")
        #expect(value("testfleet_results_total", ["outcome": "failed"]).map { $0 > 0 } == true)
        #expect(value("testfleet_builds_finished_total", ["verdict": "pass"]) == 1)
        #expect(value("testfleet_builds_running") == 0 && value("testfleet_queue_tests") == 0)
        #expect(value("testfleet_lease_expiries_total") == 0)
        let arch = try #require(Arch.allCases.first { $0.rawValue == Self.machine() })
        #expect(value("testfleet_workers", ["arch": arch.rawValue]) == 1)
        #expect(try await http.get("/api/latest-green?branch=main").object["commit"] as? String == "aaa")
        let build = try await http.get("/api/builds/m2")
        #expect(build.object["verdict"] as? String == "fail" && build.object["state"] as? String == "finished")

        // --webhook: the red build's broken tests are announced, each once, after its verdict.
        // /api/flaky shows the analysis the coordinator's refresher publishes after the verdict.
        var broken: [String] = []
        for _ in 0..<200 where broken.isEmpty {
            broken = try await http.get("/api/flaky").array.filter { $0["state"] as? String == "broken" }.compactMap { $0["test"] as? String }
            if broken.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(!broken.isEmpty)
        // Events go out one after another, and a post the loaded machine answers after the 10 s
        // timeout is retried with backoff: 30 s was once too short for twelve of them during a
        // full local `swift test` (11 of 12 arrived). The wait is generous; what is checked is
        // that every one arrives, once.
        #expect(try await Self.waitUntil(120) { receiver.distinctEvents.count >= broken.count })
        try await Task.sleep(for: .milliseconds(500))
        // De-duplicated by delivery id, as receivers do (a receiver answering after the 10 s
        // timeout, as this one may on a loaded machine, gets the same event again, same id).
        let announced = receiver.distinctEvents.filter { $0["event"] as? String == "broken" }.compactMap { $0["test"] as? String }
        #expect(announced.sorted() == broken.sorted(), "announced \(announced), broken \(broken)")
        let idsByTest = Dictionary(grouping: receiver.events, by: { $0["test"] as? String ?? "" }).mapValues { Set($0.map { $0["delivery"] as? String ?? "" }) }
        #expect(idsByTest.values.allSatisfy { $0.count == 1 }, "one delivery id per change, the same on every post: \(idsByTest)")
    }

    static func machine() -> String {
        var name = utsname()
        uname(&name)
        return withUnsafeBytes(of: &name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    @Test func readyzFollowsTheCoordinatorLoop() async throws {
        let directory = DashboardHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try Store(path: directory + "/fleet.db")
        let lifecycle = BuildLifecycle(store: store, refresh: nil)
        let coordinator = CoordinatorService(
            config: CoordinatorConfig(endpoint: "ipc://\(directory)/c.sock"), store: store,
            planner: { spec in try lifecycle.plan(spec) },
            verdict: { build in
                let verdict = try lifecycle.finish(build: build)
                return (verdict, verdict.verdict == .pass ? 0 : 1)
            })
        try coordinator.start()
        let server = DashboardServer(store: try Store(path: directory + "/fleet.db"), configuration: DashboardConfiguration(
            metrics: { coordinator.metrics() }, loopTurning: { coordinator.isTurning(within: 1000) }))
        let http = HTTPClient(port: try await server.start(host: "127.0.0.1", port: 0))
        defer { server.stop() }
        #expect(try await http.get("/readyz").status == 200)
        let metrics = try await http.get("/metrics")
        #expect(metrics.status == 200 && metrics.contentType.hasPrefix("text/plain") && metrics.body.contains("testfleet_builds_running 0"))
        coordinator.shutdown()
        let stopped = try await http.get("/readyz")
        #expect(stopped.status == 503)
        #expect(stopped.error?.contains("loop") == true, "\(stopped.body)")
    }
}

