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

    func suite(teardownFails: Bool = false, moduleTeardownFails: Bool = false) -> SuiteDefinition {
        var environment = ["PYTHONDONTWRITEBYTECODE": "1", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "SESSION_LOG": fixtureLog]
        if teardownFails { environment["SESSION_TEARDOWN_FAILS"] = "1" }
        if moduleTeardownFails { environment["MODULE_TEARDOWN_FAILS"] = "1" }
        let command = "sh -c 'echo start >> \"\(starts)\"; exec python3 -m pytest \"$@\"' pytest"
        return SuiteDefinition(name: "session-scope", adapter: .pytest, directory: Self.fixture, command: command,
                               timeout: 60, environment: environment)
    }

    func logged() -> [String] {
        ((try? String(contentsOfFile: fixtureLog, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func runWarm(_ ids: [String], _ suite: SuiteDefinition, _ sessions: PytestWarmSessions,
                 upcoming: String? = nil) -> [String: AdapterResult] {
        var results: [String: AdapterResult] = [:]
        PytestAdapter().runWarm(ids, of: suite, key: "k", sessions: sessions, upcoming: { _ in upcoming }) { results[$0.name] = $0 }
        return results
    }

    /// Runs `grants` one after another in one session, each told the next grant's first test
    /// when `toldNext` (as a slot that took its next grant early tells it).
    func runGrants(_ grants: [[String]], _ suite: SuiteDefinition, _ sessions: PytestWarmSessions,
                   toldNext: Bool) -> [String: AdapterResult] {
        var results: [String: AdapterResult] = [:]
        for (index, grant) in grants.enumerated() {
            let next = toldNext && index + 1 < grants.count ? grants[index + 1].first : nil
            results.merge(runWarm(grant, suite, sessions, upcoming: next)) { first, _ in first }
        }
        return results
    }

    func count(_ line: String) -> Int { logged().filter { $0 == line }.count }

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
        // Not told its next test (see below), a session ends module-scoped fixtures with their
        // grant: test_a's connection was made twice.
        #expect(logged().filter { $0 == "module setup" }.count == 2, "\(logged())")
        #expect(logged().filter { $0 == "module teardown" }.count == 2, "\(logged())")
        #expect(((try? String(contentsOfFile: starts, encoding: .utf8)) ?? "").split(separator: "\n").count == 1,
                "one warm process for all three grants: \(log.lines)")

        sessions.shutdown()
        #expect(logged().filter { $0 == "session teardown" }.count == 1, "torn down once at the end: \(logged())")
        #expect(logged().last == "session teardown")
        #expect(!log.lines.contains { $0.contains("failed") }, "\(log.lines)")
    }

    @Test(arguments: [true, false])
    func aFileSplitBetweenGrantsMakesItsModuleFixturesOnceWhenTheSessionKnowsItsNextTest(toldNext: Bool) throws {
        let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { _ in }
        defer { sessions.shutdown() }
        // test_a.py in three grants, then the other directory's file.
        let grants = Self.a.map { [$0] } + [Self.b]
        let results = runGrants(grants, suite(), sessions, toldNext: toldNext)
        #expect(results.count == 5 && results.values.allSatisfy { $0.outcome == .passed }, "\(results)")
        // Told, the session keeps test_a's connection until the first test that is not test_a's,
        // as a plain run does; not told (the control), each grant makes and closes its own.
        #expect(count("module setup") == (toldNext ? 1 : 3), "\(logged())")
        #expect(count("module teardown") == (toldNext ? 1 : 3), "\(logged())")
        #expect(count("session setup") == 1 && count("session teardown") == 0, "\(logged())")
    }

    @Test func aModuleTeardownThatFailsAfterAKeptGrantIsTheErrorOfTheLastTestThatUsedIt() throws {
        let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { _ in }
        defer { sessions.shutdown() }
        let grants = [Array(Self.a.prefix(2)), Array(Self.a.dropFirst(2)), Self.b]
        let results = runGrants(grants, suite(moduleTeardownFails: true), sessions, toldNext: true)
        // A plain run: test_third passes and errors in its teardown (JUnit: an error), the rest pass.
        let third = try #require(results[Self.a[2]])
        #expect(third.outcome == .error)
        #expect(String(decoding: third.output, as: UTF8.self).contains("could not be closed"),
                "\(String(decoding: third.output, as: UTF8.self).suffix(800))")
        for id in Self.a.prefix(2) + Self.b {
            #expect(results[id]?.outcome == .passed, "\(id): \(String(describing: results[id]))")
        }
        #expect(count("module setup") == 1 && count("module teardown") == 1, "\(logged())")
    }

    @Test func aNextTestThatIsNoLongerCollectedDoesNotKeepTheModuleAndItsFailingTeardownIsStillReported() throws {
        let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { _ in }
        defer { sessions.shutdown() }
        // The next grant starts with a test of test_a.py that collection no longer yields (a
        // plan from an older inventory), so it really starts in the other directory's file.
        let gone = "tests/test_a.py::test_removed_since"
        let grants = [Array(Self.a.prefix(2)), [gone] + Self.b]
        let results = runGrants(grants, suite(moduleTeardownFails: true), sessions, toldNext: true)
        // test_a's module is torn down after test_second, as in a plain run, and its failing
        // teardown is test_second's error, not a line on the session's stderr at the next grant.
        let second = try #require(results[Self.a[1]])
        #expect(second.outcome == .error, "\(String(decoding: second.output, as: UTF8.self).suffix(800))")
        #expect(String(decoding: second.output, as: UTF8.self).contains("could not be closed"))
        for id in [Self.a[0]] + Self.b {
            #expect(results[id]?.outcome == .passed, "\(id): \(String(describing: results[id]))")
        }
        #expect(count("module setup") == 1 && count("module teardown") == 1, "\(logged())")
    }

    @Test func aTestsDurationLeavesOutTheSessionFixturesItsSetupMadeAndSaysWhatTheyTook() throws {
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
        // It is reported apart, on the test whose setup made it: what a new process pays.
        let paid = results.values.filter { $0.sharedSetup > 0 }
        #expect(paid.count == 1 && paid[0].sharedSetup >= 0.55 && paid[0].sharedSetup < 5, "\(results.values.map(\.sharedSetup))")
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
