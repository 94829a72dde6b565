// bench/run service-load: the service under load (issue 14). 64 worker processes, 10 builds of
// 10,000 SIMULATED tests each submitted at once, and the HTTP API polled 20 times a second all
// along; then, from the SQLite file, every result stored exactly once.
//
// Real processes: a release `testfleet coordinator --http 127.0.0.1:PORT` (fresh store, loopback
// TCP) and `--workers` real `testfleet worker` processes (one slot each) running SIMULATED tests
// (`sim:` suites: nothing under test; `--ms` mean sleep per test, default 20 ms so the 100,000
// tests take about half a minute on 64 slots and the API is polled under load that long, 0 = no-op
// (the builds are then done in 4 s); `--flaky` a seeded
// fraction failing half their attempts, so retries happen and "one final result per test" is
// checked on real retries). Builds are pinned to this machine's arch, planned here, as
// grant-latency does.
//
// Grant latency: the bench's probe worker (ProbeWorker, the other arch) runs small `probe-N`
// builds pinned to it, kept topped up all along, and times each `ready` → next grant.
// API latency: HTTPPoller GETs /api/builds, /api/builds/ID, /api/flaky, /api/latest-green and
// /metrics round-robin at `--rate` per second, each over a new connection, timed to the last byte.
// Phases: "baseline" (fleet connected, probe builds only, API polled) for `--baseline-s`, then
// "load" from the 10 submits to the last verdict.
import Foundation
import Model
import Wire

enum ServiceLoadBench {
    static func run(_ arguments: [String]) throws {
        var workers = 64, builds = 10, tests = 10_000, rate = 20.0, meanMs = 20.0, flaky = 0.001
        var baselineSeconds = 10.0, probeTests = 20_000, timeout = 1_800.0
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst(), let number = Double(value), number >= 0 else {
                throw BenchFailure("service-load: \(flag) needs a number")
            }
            switch flag {
            case "--workers": workers = max(1, Int(number))
            case "--builds": builds = max(1, Int(number))
            case "--tests": tests = max(1, Int(number))
            case "--rate": rate = max(0.1, number)
            case "--ms": meanMs = number
            case "--flaky": flaky = min(number, 1)
            case "--baseline-s": baselineSeconds = number
            case "--probe-tests": probeTests = max(1, Int(number))
            case "--timeout-s": timeout = number
            default: throw BenchFailure("service-load: unknown option \(flag); known: --workers --builds --tests --rate --ms --flaky --baseline-s --probe-tests --timeout-s")
            }
        }
        let httpPort = try BenchFleet.freePort()
        let fleet = try BenchFleet(extra: ["--http", "127.0.0.1:\(httpPort)"])
        defer { fleet.stop(keep: ProcessInfo.processInfo.environment["KEEP"] != nil) }
        print("service-load: real coordinator (--http) + \(workers) real worker processes (1 slot each), \(builds) concurrent builds "
              + "of \(tests) SIMULATED tests (ms=\(meanMs), flaky=\(flaky), 3 attempts), API polled \(rate)/s; probe worker for grant latency")
        print("  \(fleet.endpoint), http://127.0.0.1:\(httpPort), store \(fleet.storePath)")
        try waitFor("the HTTP API", seconds: 60) { HTTPPoller.get(port: httpPort, path: "/readyz", timeout: 2).status == 200 }

        let started = monotonicSeconds()
        for i in 1...workers { try fleet.addWorker(id: "w\(i)", slots: 1) }
        let here = Arch.current, other: Arch = here == .x86_64 ? .aarch64 : .x86_64
        try waitFor("\(workers) workers to connect", seconds: 300) { connectedWorkers(port: httpPort, arch: here) >= workers }
        print(String(format: "  %d workers connected in %.1f s", workers, monotonicSeconds() - started))

        let probe = ProbeWorker(endpoint: fleet.endpoint, arch: other, workMilliseconds: 1, perTestMilliseconds: 0, acceptsPrefix: "probe-")
        probe.start()
        defer { probe.stop() }
        let client = try BenchClient(endpoint: fleet.endpoint)
        var probeBuilds = 0
        var probeInFlight: Set<String> = []
        /// Two probe builds unfinished at any time, so the probe always has a grant to wait for.
        func topUpProbe() throws {
            probeInFlight = probeInFlight.filter { client.verdicts[$0] == nil }
            while probeInFlight.count < 2 {
                probeBuilds += 1
                let id = "probe-\(probeBuilds)"
                probeInFlight.insert(id)
                try client.submit(.pinned(id, SimulatedSuite(count: probeTests, seed: UInt64(1000 + probeBuilds)), to: other))
            }
        }
        func tick(_ seconds: Double, until: () -> Bool = { false }) throws {
            let end = monotonicSeconds() + seconds
            while monotonicSeconds() < end && !until() {
                client.pump(seconds: 0.02)
                try topUpProbe()
                if let error = client.errors.first { throw BenchFailure("coordinator said \(error)") }
            }
        }
        let loadIDs = (1...builds).map { "load-\($0)" }
        let buildCount = builds
        let endpoints: [@Sendable (Int) -> String] = [
            { _ in "/api/builds" }, { n in "/api/builds/load-\(n / 5 % buildCount + 1)" }, { _ in "/api/flaky" },
            { _ in "/api/latest-green?branch=main" }, { _ in "/metrics" },
        ]
        let poller = HTTPPoller(port: httpPort, ratePerSecond: rate) { n in endpoints[n % endpoints.count](n) }
        try topUpProbe()
        try tick(1.0)
        poller.start()
        let baselineStart = monotonicSeconds()
        try tick(baselineSeconds)
        let loadStart = monotonicSeconds()
        for (n, id) in loadIDs.enumerated() {
            let suite = SimulatedSuite(count: tests, seed: UInt64(n + 1), meanMilliseconds: meanMs, flakyFraction: flaky)
            try client.submit(.pinned(id, suite, to: here, branch: "main", commit: "c\(n + 1)", maxAttempts: 3))
        }
        var lastReport = loadStart
        try tick(timeout) {
            if monotonicSeconds() - lastReport >= 15 {
                lastReport = monotonicSeconds()
                let done = loadIDs.filter { client.verdicts[$0] != nil }.count
                let finished = loadIDs.map { id in client.progress[id].map { "\($0.done)" } ?? "-" }.joined(separator: " ")
                print(String(format: "  %.0f s: %d/%d builds done; tests done per build: %@", lastReport - loadStart, done, builds, finished as NSString))
            }
            return loadIDs.allSatisfy { client.verdicts[$0] != nil }
        }
        let loadEnd = monotonicSeconds()
        poller.stop()
        probe.stop()
        let missingVerdicts = loadIDs.filter { client.verdicts[$0] == nil }
        if !missingVerdicts.isEmpty { print("  NO VERDICT within \(timeout) s for: \(missingVerdicts.joined(separator: ", "))") }
        print(String(format: "  %d builds × %d tests done in %.1f s (%.0f results/s); probe builds run: %d",
                     builds, tests, loadEnd - loadStart, Double(builds * tests) / (loadEnd - loadStart), probeBuilds))

        // Every result stored exactly once.
        let checker = StoredOnceCheck(path: fleet.storePath)
        var storedOnce = missingVerdicts.isEmpty
        var rows = 0
        for (n, id) in loadIDs.enumerated() {
            let suite = SimulatedSuite(count: tests, seed: UInt64(n + 1))
            let build = try checker.check(build: id, expectedNames: (0..<tests).map(suite.name(of:)))
            let holds = build.holds(expectedTests: tests)
            storedOnce = storedOnce && holds
            rows += build.rows
            print("  \(id): \(build.rows) results for \(build.distinctTests) tests, \(build.missingTests) missing, "
                  + "\(build.duplicateAttempts) doubled, \(build.gappedTests) with a gap, \(build.testsWithOneFinal) with one final result, "
                  + "\(build.state) \(build.verdict): \(holds ? "ok" : "WRONG")")
        }
        print("stored exactly once (\(builds) builds × \(tests) tests, \(rows) results incl. retries): \(storedOnce ? "PASS" : "FAIL")")

        var json: [String: Any] = [:]
        print("")
        print("latency                                    samples   p50 ms   p99 ms   max ms")
        func line(_ name: String, _ seconds: [Double]) -> [String: Any] {
            let ms = seconds.map { $0 * 1000 }.sorted()
            print(name.padding(toLength: 42, withPad: " ", startingAt: 0)
                  + String(format: " %7d %8.2f %8.2f %8.2f", ms.count, percentile(ms, 50), percentile(ms, 99), ms.last ?? .nan))
            guard !ms.isEmpty else { return ["samples": 0] }
            return ["samples": ms.count, "p50_ms": percentile(ms, 50), "p99_ms": percentile(ms, 99), "max_ms": ms.last!]
        }
        let grants = probe.samples
        let requests = poller.samples
        func inBaseline(_ t: Double) -> Bool { t >= baselineStart && t < loadStart }
        func inLoad(_ t: Double) -> Bool { t >= loadStart && t < loadEnd }
        json["grant_baseline"] = line("grant, baseline (probe builds only)", grants.filter { inBaseline($0.sentAt) }.map(\.seconds))
        json["grant_load"] = line("grant, under load", grants.filter { inLoad($0.sentAt) }.map(\.seconds))
        json["api_baseline"] = line("API, baseline (all endpoints)", requests.filter { inBaseline($0.sentAt) }.map(\.seconds))
        json["api_load"] = line("API, under load (all endpoints)", requests.filter { inLoad($0.sentAt) }.map(\.seconds))
        var perEndpoint: [String: Any] = [:], perEndpointBaseline: [String: Any] = [:]
        for name in ["/api/builds", "/api/builds/ID", "/api/flaky", "/api/latest-green", "/metrics"] {
            let chosen = requests.filter { inBaseline($0.sentAt) && endpointName($0.path) == name }
            perEndpointBaseline[name] = line("  baseline: \(name)", chosen.map(\.seconds))
        }
        for name in ["/api/builds", "/api/builds/ID", "/api/flaky", "/api/latest-green", "/metrics"] {
            let chosen = requests.filter { inLoad($0.sentAt) && endpointName($0.path) == name }
            perEndpoint[name] = line("  under load: \(name)", chosen.map(\.seconds))
        }
        json["api_load_by_endpoint"] = perEndpoint
        json["api_baseline_by_endpoint"] = perEndpointBaseline
        let loadRequests = requests.filter { inLoad($0.sentAt) }
        // 404 is a right answer on a store without the thing asked for (no green build of main
        // yet); anything else but 200 is a failure.
        let failed = loadRequests.filter { $0.status != 200 && $0.status != 404 }
        let notFound = loadRequests.filter { $0.status == 404 }.count
        let achieved = Double(loadRequests.count) / max(loadEnd - loadStart, 0.001)
        print(String(format: "API requests under load: %d (%.1f/s achieved of %.0f/s), %d answered 404 (nothing yet), %d failed%@",
                     loadRequests.count, achieved, rate, notFound, failed.count,
                     failed.isEmpty ? "" : " (statuses: \(Set(failed.map(\.status)).sorted()))"))
        // The write-ahead log: readers overlapping at every moment keep SQLite from restarting it.
        let walBytes = ((try? FileManager.default.attributesOfItem(atPath: fleet.storePath + "-wal"))?[.size] as? Int) ?? 0
        let dbBytes = ((try? FileManager.default.attributesOfItem(atPath: fleet.storePath))?[.size] as? Int) ?? 0
        print(String(format: "store at the end: %.1f MB in the .db, %.1f MB in its WAL", Double(dbBytes) / 1e6, Double(walBytes) / 1e6))
        print("load: \(uptime())")

        json.merge([
            "benchmark": "service-load", "simulated_tests": true, "workers": workers, "builds": builds, "tests_per_build": tests,
            "ms": meanMs, "flaky": flaky, "rate_per_s": rate, "rate_achieved_per_s": achieved, "api_failed": failed.count, "api_404": notFound,
            "stored_exactly_once": storedOnce, "wal_mb": Double(walBytes) / 1e6, "db_mb": Double(dbBytes) / 1e6, "results_stored": rows, "load_seconds": loadEnd - loadStart,
            "grant_p99_load_ms": (json["grant_load"] as? [String: Any])?["p99_ms"] ?? NSNull(),
            "api_p99_load_ms": (json["api_load"] as? [String: Any])?["p99_ms"] ?? NSNull(),
        ]) { $1 }
        print(String(decoding: try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]), as: UTF8.self))
        if !storedOnce { throw BenchFailure("a build's results were not each stored exactly once (see above)") }
    }

    static func endpointName(_ path: String) -> String {
        if path.hasPrefix("/api/builds/") { return "/api/builds/ID" }
        return String(path.prefix { $0 != "?" })
    }

    /// `testfleet_workers{arch="…"}` from /metrics (0 when it cannot be read).
    static func connectedWorkers(port: Int, arch: Arch) -> Int {
        let (status, body) = HTTPPoller.get(port: port, path: "/metrics", timeout: 5)
        guard status == 200 else { return 0 }
        let text = String(decoding: body, as: UTF8.self)
        let prefix = "testfleet_workers{arch=\"\(arch.rawValue)\"} "
        return text.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Int($0.dropFirst(prefix.count)) } ?? 0
    }

    static func waitFor(_ what: String, seconds: Double, _ condition: () -> Bool) throws {
        let deadline = monotonicSeconds() + seconds
        while !condition() {
            guard monotonicSeconds() < deadline else { throw BenchFailure("gave up waiting for \(what) after \(Int(seconds)) s") }
            usleep(200_000)
        }
    }

    static func uptime() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ")
            .appending(" (1, 5, 15 min load average)") ?? "?"
    }
}
