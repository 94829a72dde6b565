import Foundation
import Model
import Testing
@testable import Adapters

/// Durations a warm session reports for a test that leaves the clock pytest times tests with
/// faked (Tests/Fixtures/pytest-clock), as a test failing inside freezegun's `freeze_time` does.
@Suite(.serialized) struct PytestWarmClockTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/pytest-clock").path

    let scratch: TemporaryDirectory

    init() throws { scratch = try TemporaryDirectory() }

    @Test func aTestThatFakesPytestsClockIsTimedByTheRealOne() throws {
        let suite = SuiteDefinition(name: "clock", adapter: .pytest, directory: Self.fixture,
                                    environment: PytestWarmTests.environment)
        let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { _ in }
        defer { sessions.shutdown() }
        let ids = ["tests/test_fake_clock.py::test_leaves_the_clock_faked", "tests/test_fake_clock.py::test_plain"]
        var results: [String: AdapterResult] = [:]
        PytestAdapter().runWarm(ids, of: suite, key: "k", sessions: sessions) { results[$0.name] = $0 }
        // pytest itself reports about 1e9 s for the first (the fixture's README).
        for id in ids {
            let result = try #require(results[id])
            #expect(result.outcome == .passed)
            #expect(result.duration >= 0 && result.duration < 60, "\(id): reported \(result.duration) s")
        }
    }
}
