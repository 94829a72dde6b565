import Foundation
import Model
import Testing
import Wire
@testable import Worker

/// A real slot pool running real pytest cold (one process per grant: a framework's own timing,
/// from its report) on Tests/Fixtures/pytest-clock, whose first test leaves pytest's clock faked.
@Suite(.serialized) struct TestDurationCapTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/pytest-clock").path

    @Test func aDurationFromAFakedClockIsCappedAtTheGrantsRealTime() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("testfleet-clock-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: cache) }
        var config = WorkerConfig(endpoint: "tcp://127.0.0.1:0", id: "w-clock", arch: .x86_64, slots: 1, cacheDirectory: cache)
        config.warmSessions = false
        let pool = SlotPool(config: config)
        defer { pool.close() }
        let suite = SuiteDefinition(name: "clock", adapter: .pytest, directory: Self.fixture, timeout: 60,
                                    environment: ["PYTHONDONTWRITEBYTECODE": "1", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"])
        let test = "tests/test_fake_clock.py::test_leaves_the_clock_faked"
        let started = Date()
        pool.enqueue(Assign(lease: 1, build: "b1", suite: suite, deadlineMilliseconds: 600_000,
                            tests: [GrantedTest(name: test, attempt: 1)]))
        let result = try #require(WarmSlotTests().finish(1, on: pool).results[test])
        #expect(result.outcome == .passed)
        // pytest reports about 1e9 s for it (the fixture's README).
        #expect(result.duration >= 0 && result.duration <= Date().timeIntervalSince(started), "stored \(result.duration) s")
    }
}
