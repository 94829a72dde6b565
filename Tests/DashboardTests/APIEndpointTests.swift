import Analyzer
import Builds
import Dashboard
import Foundation
import Model
import Store
import Testing

/// Every JSON endpoint over real HTTP on loopback, against a real store filled through the
/// build lifecycle: documented shapes, 404s and bad parameters as JSON errors.
@Suite struct APIEndpointTests {
    static let token = "s3cret-\(UUID().uuidString)"

    /// main: c1 green, c2 red, c3 green, c4 red; feature/x: f1 green; a flaky test passes on
    /// retry. Ten passing tests beside them, so one failing test is not an outage (≥ 30 %).
    func seeded(_ configuration: DashboardConfiguration = DashboardConfiguration(token: APIEndpointTests.token)) async throws
        -> DashboardHarness
    {
        let h = try await DashboardHarness(configuration: configuration)
        h.filler = 10
        try h.build("b1", commit: "c1", branch: "main", ["t::a": [.passed], "t::b": [.passed], "t::flaky": [.failed, .passed]])
        try h.build("b2", commit: "c2", branch: "main", ["t::a": [.failed, .failed, .failed], "t::b": [.passed], "t::flaky": [.passed]])
        try h.build("b3", commit: "c3", branch: "main", ["t::a": [.passed], "t::b": [.skipped], "t::flaky": [.failed, .passed]])
        try h.build("b4", commit: "c4", branch: "main", ["t::a": [.passed], "t::b": [.error, .error, .error], "t::flaky": [.passed]])
        try h.build("feature/x#1", commit: "f1", branch: "feature/x", ["t::a": [.passed], "t::b": [.passed], "t::flaky": [.passed]])
        return h
    }

    @Test func healthzAndUnknownEndpoints() async throws {
        let h = try await DashboardHarness()
        let health = try await h.get("/healthz")
        #expect(health.status == 200 && health.object["status"] as? String == "ok")
        let missing = try await h.get("/api/nothing-here")
        #expect(missing.status == 404 && missing.error?.contains("no such endpoint") == true, "\(missing.body)")
        #expect(missing.contentType.hasPrefix("application/json"))
    }

    @Test func readyzWithoutACoordinatorLoopIs503AndWithATurningLoopIs200() async throws {
        let alone = try await DashboardHarness()
        let notReady = try await alone.get("/readyz")
        #expect(notReady.status == 503 && notReady.error != nil, "\(notReady.body)")
        let turning = try await DashboardHarness(configuration: DashboardConfiguration(loopTurning: { true }))
        #expect(try await turning.get("/readyz").status == 200)
        let stalled = try await DashboardHarness(configuration: DashboardConfiguration(loopTurning: { false }))
        let answer = try await stalled.get("/readyz")
        #expect(answer.status == 503 && answer.error?.contains("loop") == true)
    }

    @Test func latestGreenAnswersTheNewestPassingCommitOfTheBranch() async throws {
        let h = try await seeded()
        let main = try await h.get("/api/latest-green?branch=main")
        #expect(main.status == 200, "\(main.body)")
        #expect(main.object["commit"] as? String == "c3" && main.object["build"] as? String == "b3")
        #expect(main.object["branch"] as? String == "main" && main.object["finished_at"] is Double)
        let feature = try await h.get("/api/latest-green?branch=feature%2Fx")
        #expect(feature.object["commit"] as? String == "f1", "\(feature.body)")
        // A red build after a green one never moves latest-green; a new green one does.
        try h.build("b5", commit: "c5", branch: "main", ["t::a": [.passed], "t::b": [.passed], "t::flaky": [.passed]])
        #expect(try await h.get("/api/latest-green?branch=main").object["commit"] as? String == "c5")

        let unknown = try await h.get("/api/latest-green?branch=nope")
        #expect(unknown.status == 404 && unknown.error?.contains("nope") == true)
        let missing = try await h.get("/api/latest-green")
        #expect(missing.status == 400 && missing.error?.contains("branch") == true)
        try h.build("r1", commit: "r1", branch: "red-only", ["t::a": [.failed, .failed, .failed]])
        let noGreen = try await h.get("/api/latest-green?branch=red-only")
        #expect(noGreen.status == 404 && noGreen.error?.contains("no passing build") == true)
    }

    @Test func buildsListNewestFirstWithCountsBranchFilterAndLimits() async throws {
        let h = try await seeded()
        let all = try await h.get("/api/builds")
        #expect(all.status == 200)
        #expect(all.array.map { $0["build"] as? String } == ["feature/x#1", "b4", "b3", "b2", "b1"])
        let b3 = all.array.first { $0["build"] as? String == "b3" }!
        #expect(b3["commit"] as? String == "c3" && b3["branch"] as? String == "main" && b3["state"] as? String == "finished")
        #expect(b3["verdict"] as? String == "pass")
        let counts = b3["counts"] as? [String: Int] ?? [:]
        #expect(counts == ["total": 13, "passed": 12, "failed": 0, "skipped": 1, "flaky": 1], "\(counts)")
        let main = try await h.get("/api/builds?branch=main&limit=2")
        #expect(main.array.map { $0["build"] as? String } == ["b4", "b3"])
        for bad in ["limit=abc", "limit=0", "limit=10001", "limit=-3"] {
            let answer = try await h.get("/api/builds?\(bad)")
            #expect(answer.status == 400 && answer.error?.contains("limit") == true, "\(bad): \(answer.body)")
        }
        let unknown = try await h.get("/api/builds?branch=nope")
        #expect(unknown.status == 404 && unknown.error != nil)
    }

    /// Counts kept between requests: a running build's are at most a second old, and a build
    /// listed while it ran shows its final counts once finished.
    @Test func aBuildListedWhileRunningShowsItsFinalCountsOnceFinished() async throws {
        let h = try await seeded()
        try h.store.createBuild(BuildSpec(id: "live", suite: "unit", commit: "c9", branch: "main", maxAttempts: 3), testCount: 3)
        func result(_ test: String, _ attempt: Int, _ outcome: Outcome) -> TestResult {
            TestResult(test: test, attempt: attempt, outcome: outcome, duration: 0.1, worker: "w0", arch: .x86_64)
        }
        _ = try h.store.recordResults(build: "live", [result("t::a", 1, .passed)])
        func live() async throws -> [String: Any] {
            try await h.get("/api/builds").array.first { $0["build"] as? String == "live" } ?? [:]
        }
        let running = try await live()
        #expect(running["state"] as? String == "running" && (running["counts"] as? [String: Int])?["total"] == 1)
        _ = try h.store.recordResults(build: "live", [result("t::b", 1, .failed), result("t::b", 2, .passed), result("t::c", 1, .skipped)])
        try await Task.sleep(for: .milliseconds(1_100))
        #expect((try await live()["counts"] as? [String: Int])?["total"] == 3, "a running build's counts are at most a second old")
        _ = try BuildLifecycle(store: h.store, refresh: nil).finish(build: "live")
        let finished = try await live()
        #expect(finished["state"] as? String == "finished")
        #expect(finished["counts"] as? [String: Int] == ["total": 3, "passed": 2, "failed": 0, "skipped": 1, "flaky": 1], "\(finished)")
        #expect(try await live()["counts"] as? [String: Int] == finished["counts"] as? [String: Int], "kept once finished")
    }

    @Test func oneBuildIsTheGateVerdictPlusItsState() async throws {
        let h = try await seeded()
        let answer = try await h.get("/api/builds/b2")
        #expect(answer.status == 200)
        let object = answer.object
        #expect(object["state"] as? String == "finished" && object["verdict"] as? String == "fail", "\(answer.body)")
        #expect(object["build"] as? String == "b2" && object["commit"] as? String == "c2")
        let failures = object["failures"] as? [[String: Any]] ?? []
        #expect(failures.map { $0["test"] as? String } == ["t::a"] && failures.first?["attempts"] as? Int == 3)
        for key in ["counts", "reasons", "passed_on_retry", "quarantined", "slip_probability"] { #expect(object[key] != nil, "\(key)") }
        // The same document as `gate --json`'s encoder, plus state.
        let gate = try StoredGate.evaluate(store: h.store, build: "b2")!.verdict
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var expected = try JSONSerialization.jsonObject(with: encoder.encode(gate)) as! [String: Any]
        expected["state"] = "finished"
        func canonical(_ value: Any) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
        }
        #expect(try canonical(expected) == canonical(object))
        // Ids with a slash come percent-encoded.
        let slashed = try await h.get("/api/builds/feature%2Fx%231")
        #expect(slashed.status == 200 && slashed.object["build"] as? String == "feature/x#1", "\(slashed.body)")
        let unknown = try await h.get("/api/builds/nope")
        #expect(unknown.status == 404 && unknown.error?.contains("nope") == true)
    }

    @Test func flakyIsTheFlakyJSONDocument() async throws {
        let h = try await seeded()
        let answer = try await h.get("/api/flaky")
        #expect(answer.status == 200)
        let (_, analysis) = try FlakyAnalyzer.analyze(store: h.store)
        #expect(answer.body == FlakyReport.json(analysis))
        for row in answer.array {
            #expect(Set(row.keys).isSuperset(of: ["test", "state", "flake_rate", "evidence", "since_commit"]))
        }
        #expect(answer.array.contains { $0["test"] as? String == "t::b" && $0["state"] as? String == "broken" }, "\(answer.body)")
    }

    @Test func trendsCountEachBuildAndItsLintPerTool() async throws {
        let h = try await seeded()
        try h.store.recordLint([LintViolation(path: "a.py", line: 1, column: 1, code: "F401", message: "unused"),
                                LintViolation(path: "b.py", line: 2, column: 0, code: "E501", message: "long")],
                               tool: "ruff", build: "b3", commit: "c3")
        let answer = try await h.get("/api/trends?branch=main")
        #expect(answer.status == 200)
        #expect(answer.array.map { $0["build"] as? String } == ["b1", "b2", "b3", "b4"], "oldest first")
        let b3 = answer.array[2]
        #expect(b3["lint"] as? [String: Int] == ["ruff": 2] && b3["finished_at"] is Double && b3["commit"] as? String == "c3")
        #expect(b3["counts"] as? [String: Int] == ["total": 13, "passed": 12, "failed": 0, "skipped": 1, "flaky": 1])
        #expect((answer.array[0]["lint"] as? [String: Int])?.isEmpty == true)
        #expect(try await h.get("/api/trends?limit=2").array.count == 2)
        #expect(try await h.get("/api/trends?class=side").array.map { $0["build"] as? String } == ["feature/x#1"])
        #expect(try await h.get("/api/trends?class=blue").status == 400)
        #expect(try await h.get("/api/trends?limit=x").status == 400)
        #expect(try await h.get("/api/trends?branch=nope").status == 404)
    }

    @Test func quarantineWritesNeedTheBearerToken() async throws {
        let h = try await seeded()
        let body = "{\"test\": \"tests/test_cart.py::test_total\", \"reason\": \"tracked in #123\"}"
        let anonymous = try await h.request("POST", "/api/quarantine", body: body)
        #expect(anonymous.status == 401 && anonymous.error != nil)
        #expect(try await h.request("POST", "/api/quarantine", body: body, token: "wrong").status == 401)
        let bad = try await h.request("POST", "/api/quarantine", body: "{\"test\": \"x\"}", token: Self.token)
        #expect(bad.status == 400 && bad.error?.contains("reason") == true)
        #expect(try await h.request("POST", "/api/quarantine", body: "not json", token: Self.token).status == 400)
        let added = try await h.request("POST", "/api/quarantine", body: body, token: Self.token)
        #expect(added.status == 200 && added.object["quarantined"] as? Bool == true, "\(added.body)")
        #expect(try h.store.quarantined().map(\.test) == ["tests/test_cart.py::test_total"])

        let path = "/api/quarantine/tests%2Ftest_cart.py%3A%3Atest_total"
        #expect(try await h.request("DELETE", path).status == 401)
        let released = try await h.request("DELETE", path, token: Self.token)
        #expect(released.status == 200 && released.object["released"] as? Bool == true, "\(released.body)")
        #expect(try h.store.quarantined().isEmpty)
        let again = try await h.request("DELETE", path, token: Self.token)
        #expect(again.status == 404 && again.error != nil)

        let readOnly = try await seeded(DashboardConfiguration())
        let refused = try await readOnly.request("POST", "/api/quarantine", body: body, token: Self.token)
        #expect(refused.status == 403 && refused.error?.contains("--http-token-file") == true)
    }
}

/// Starting: a taken port is an error naming the address, never a silent second server.
@Suite struct DashboardStartTests {
    @Test func aTakenPortIsRefused() async throws {
        let first = try await DashboardHarness()
        let second = DashboardServer(store: first.store, configuration: DashboardConfiguration())
        await #expect(throws: DashboardStartError.self) { _ = try await second.start(host: "127.0.0.1", port: first.port) }
        #expect(try await first.get("/healthz").status == 200)
    }
}
