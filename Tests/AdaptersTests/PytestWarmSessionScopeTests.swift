import Foundation
import Model
import Testing
@testable import Adapters

/// A warm session keeps its session-scoped fixtures from one grant to the next, as a plain run
/// keeps them for its whole life, and tears them down once, when the worker ends the session.
/// Real pytest on Tests/Fixtures/pytest-session-fixture, whose session fixture cannot be set up
/// twice in one process (as a pytest-django test database).
@Suite(.serialized) struct PytestWarmSessionScopeTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/pytest-session-fixture").path

    let scratch: TemporaryDirectory
    var fixtureLog: String { scratch.path + "/session.log" }
    var starts: String { scratch.path + "/starts" }

    init() throws { scratch = try TemporaryDirectory() }

    func suite(teardownFails: Bool = false) -> SuiteDefinition {
        var environment = ["PYTHONDONTWRITEBYTECODE": "1", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "SESSION_LOG": fixtureLog]
        if teardownFails { environment["SESSION_TEARDOWN_FAILS"] = "1" }
        let command = "sh -c 'echo start >> \"\(starts)\"; exec python3 -m pytest \"$@\"' pytest"
        return SuiteDefinition(name: "session-scope", adapter: .pytest, directory: Self.fixture, command: command,
                               timeout: 60, environment: environment)
    }

    func logged() -> [String] {
        ((try? String(contentsOfFile: fixtureLog, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func runWarm(_ ids: [String], _ suite: SuiteDefinition, _ sessions: PytestWarmSessions) -> [String: AdapterResult] {
        var results: [String: AdapterResult] = [:]
        PytestAdapter().runWarm(ids, of: suite, key: "k", sessions: sessions) { results[$0.name] = $0 }
        return results
    }

    static let a = ["tests/test_a.py::test_first", "tests/test_a.py::test_second", "tests/test_a.py::test_third"]
    static let b = ["tests/sub/test_b.py::test_uses_the_database", "tests/sub/test_b.py::test_uses_it_again"]

    @Test func sessionFixturesLiveAcrossGrantsAndAreTornDownOnceAtTheEnd() throws {
        let log = LogLines()
        let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { log.append($0) }
        let suite = suite()
        var results: [String: AdapterResult] = [:]
        // A file split between grants, another directory's file between its halves.
        for grant in [Array(Self.a.prefix(2)), Self.b, Array(Self.a.dropFirst(2))] {
            results.merge(runWarm(grant, suite, sessions)) { first, _ in first }
            #expect(logged().filter { $0 == "session setup" }.count == 1, "set up once, kept: \(logged())")
            #expect(!logged().contains("session teardown"), "not torn down while the session lives: \(logged())")
        }
        #expect(Set(results.keys) == Set(Self.a + Self.b))
        for (id, result) in results {
            #expect(result.outcome == .passed, "\(id): \(String(decoding: result.output, as: UTF8.self).suffix(800))")
        }
        // Module-scoped fixtures still end with their grant (their teardown's failure then has a
        // test of the grant to be reported against): test_a's connection was made twice.
        #expect(logged().filter { $0 == "module setup" }.count == 2, "\(logged())")
        #expect(logged().filter { $0 == "module teardown" }.count == 2, "\(logged())")
        #expect(((try? String(contentsOfFile: starts, encoding: .utf8)) ?? "").split(separator: "\n").count == 1,
                "one warm process for all three grants: \(log.lines)")

        sessions.shutdown()
        #expect(logged().filter { $0 == "session teardown" }.count == 1, "torn down once at the end: \(logged())")
        #expect(logged().last == "session teardown")
        #expect(!log.lines.contains { $0.contains("failed") }, "\(log.lines)")
    }

    @Test func aTestsDurationLeavesOutTheSessionFixturesItsSetupMade() throws {
        let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { _ in }
        defer { sessions.shutdown() }
        var suite = suite()
        suite.environment["SESSION_SETUP_SECONDS"] = "0.6"
        let started = Date()
        let results = runWarm(Self.a, suite, sessions)
        // The database took 0.6 s, in the first test's setup; no test's own time holds it.
        #expect(Date().timeIntervalSince(started) >= 0.6 && logged().contains("session setup"), "the control: it was made")
        #expect(results.count == 3 && results.values.allSatisfy { $0.outcome == .passed })
        for id in Self.a {
            #expect((results[id]?.duration ?? 1) < 0.3, "\(id): \(results[id]?.duration ?? -1) s")
        }
    }

    @Test func aSessionTeardownThatFailsAtTheEndIsLogged() throws {
        let log = LogLines()
        let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { log.append($0) }
        let results = runWarm(Self.b, suite(teardownFails: true), sessions)
        #expect(results.values.allSatisfy { $0.outcome == .passed }, "\(results)")
        sessions.shutdown()
        #expect(logged().contains("session teardown"))
        let line = try #require(log.lines.first { $0.contains("tearing down its session-scoped fixtures at its end failed") },
                                "\(log.lines)")
        #expect(line.contains("could not be dropped"), "\(line)")
    }
}
