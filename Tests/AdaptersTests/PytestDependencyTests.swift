import Foundation
import Model
import Testing
@testable import Adapters

/// Tests marked with pytest-dependency's `dependency(depends=...)` granted without the tests
/// they name (Tests/Fixtures/pytest-dependency, real pytest and pytest-dependency): a warm
/// session and a fork server's child run those first, unreported, so each test gets the outcome
/// a plain run gives it, where pytest-dependency skipped it before.
@Suite(.serialized) struct PytestDependencyTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/pytest-dependency").path
    static func id(_ name: String) -> String { "tests/test_dependency.py::" + name }
    /// What a plain run gives each: the dependent tests, and one whose dependency fails.
    static let expected: [String: Outcome] = [
        id("TestInClass::test_second"): .passed, id("test_needs_both"): .passed,
        id("test_needs_session"): .passed, id("test_needs_broken"): .skipped,
    ]

    let scratch: TemporaryDirectory

    init() throws { scratch = try TemporaryDirectory() }

    var suite: SuiteDefinition {
        SuiteDefinition(name: "dependency", adapter: .pytest, directory: Self.fixture, command: "python3 -m pytest",
                        timeout: 60, environment: PytestWarmTests.environment)
    }

    @Test func dependenciesRunFirstUnreportedInTheSessionAndInAChild() throws {
        let log = LogLines()
        let ids = Self.expected.keys.sorted()
        let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { log.append($0) }
        defer { sessions.shutdown() }
        var warm: [String: Outcome] = [:]
        PytestAdapter(cacheRoot: scratch.path).runWarm(ids, of: suite, key: "k", sessions: sessions) { warm[$0.name] = $0.outcome }
        #expect(warm == Self.expected, "\(warm) \(log.lines)")

        let servers = PytestForkServers(cacheDirectory: scratch.path) { log.append($0) }
        defer { servers.shutdown() }
        var forked: [String: Outcome] = [:]
        PytestAdapter(cacheRoot: scratch.path).runForked(ids, of: suite, attempt: 2, key: "k", servers: servers) { forked[$0.name] = $0.outcome }
        #expect(forked == Self.expected, "\(forked) \(log.lines)")
    }
}
