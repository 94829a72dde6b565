import Foundation
import Model
import Testing
import Wire
@testable import Worker

/// A real slot pool (slot threads, retry lane, warm pytest sessions) running real pytest on
/// Tests/Fixtures/pytest-warm: state a test leaks into a warm process never fakes a retry's pass.
@Suite(.serialized) struct WarmSlotTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/pytest-warm").path
    static let needsPoison = "tests/test_poison.py::test_needs_poison"
    static let poisons = "tests/test_poison.py::test_poisons"

    let cache = FileManager.default.temporaryDirectory.appendingPathComponent("testfleet-warm-slot-\(UUID().uuidString)").path

    func assign(_ lease: UInt64, _ tests: [(String, Int)]) -> Assign {
        let suite = SuiteDefinition(name: "warm", adapter: .pytest, directory: Self.fixture, timeout: 60,
                                    environment: ["PYTHONDONTWRITEBYTECODE": "1", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"])
        return Assign(lease: lease, build: "b1", suite: suite, deadlineMilliseconds: 600_000,
                      tests: tests.map { GrantedTest(name: $0.0, attempt: $0.1) })
    }

    /// Runs `assign` on `pool` and returns its results once the lease is done.
    func results(of assign: Assign, on pool: SlotPool) -> [String: TestResult] {
        pool.enqueue(assign)
        var results: [String: TestResult] = [:]
        let deadline = Date(timeIntervalSinceNow: 120)
        while Date() < deadline {
            for item in pool.takeFinished() {
                switch item {
                case .result(let lease, _, let result) where lease == assign.lease: results[result.test] = result
                case .leaseDone(let lease) where lease == assign.lease: return results
                default: break
                }
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("lease \(assign.lease) did not finish within 120 s")
        return results
    }

    @Test func aTestThatPoisonsModuleStateDoesNotMakeAnotherPassOnRetry() throws {
        var config = WorkerConfig(endpoint: "tcp://127.0.0.1:0", id: "w-warm", arch: .x86_64, slots: 1, cacheDirectory: cache)
        config.warmSessions = true
        let pool = SlotPool(config: config)
        defer {
            pool.close()
            try? FileManager.default.removeItem(atPath: cache)
        }
        // First attempts, warm: the test needing the poison runs first and fails; the other
        // then poisons the warm process's module state.
        let first = results(of: assign(1, [(Self.needsPoison, 1), (Self.poisons, 1)]), on: pool)
        #expect(first[Self.needsPoison]?.outcome == .failed)
        #expect(first[Self.poisons]?.outcome == .passed)

        // The retry runs in a fresh process, so the leaked state cannot fake a pass.
        let retry = results(of: assign(2, [(Self.needsPoison, 2)]), on: pool)
        #expect(retry[Self.needsPoison]?.outcome == .failed, "a retry must not see state leaked by other tests")
        #expect(retry[Self.needsPoison]?.attempt == 2)
        let third = results(of: assign(3, [(Self.needsPoison, 3), (Self.poisons, 3)]), on: pool)
        #expect(third[Self.needsPoison]?.outcome == .failed)

        // Control: a first attempt in the same warm process does see the poison, so the cold
        // retries above are what kept it out (this test would catch a warm retry).
        let control = results(of: assign(4, [(Self.needsPoison, 1)]), on: pool)
        #expect(control[Self.needsPoison]?.outcome == .passed, "the warm process kept the poisoned state")
    }
}
