import Foundation
import Model
import Testing
import Wire
@testable import Worker

/// A real one-slot pool running real pytest on Tests/Fixtures/pytest-session-fixture: a slot
/// whose next grant for the same warm session is already queued takes it early and tells the
/// session its first test, so one file split between the two grants makes its module-scoped
/// fixture once in that process, as a plain run does.
@Suite(.serialized) struct WarmSlotLookaheadTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/pytest-session-fixture").path
    static let a = ["tests/test_a.py::test_first", "tests/test_a.py::test_second", "tests/test_a.py::test_third"]

    let cache = FileManager.default.temporaryDirectory.appendingPathComponent("testfleet-lookahead-\(UUID().uuidString)").path
    var log: String { cache + "-session.log" }

    func assign(_ lease: UInt64, _ tests: [String]) -> Assign {
        let suite = SuiteDefinition(name: "session-scope", adapter: .pytest, directory: Self.fixture, timeout: 60,
                                    environment: ["PYTHONDONTWRITEBYTECODE": "1", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
                                                  "SESSION_LOG": log])
        return Assign(lease: lease, build: "b1", suite: suite, deadlineMilliseconds: 600_000,
                      tests: tests.map { GrantedTest(name: $0, attempt: 1) })
    }

    func pool() -> SlotPool {
        var config = WorkerConfig(endpoint: "tcp://127.0.0.1:0", id: "w-lookahead", arch: .x86_64, slots: 1, cacheDirectory: cache)
        config.warmSessions = true
        return SlotPool(config: config)
    }

    /// Every result of `leases` once all of them are done.
    func results(of leases: Set<UInt64>, on pool: SlotPool) -> [String: TestResult] {
        var results: [String: TestResult] = [:], done = Set<UInt64>()
        let deadline = Date(timeIntervalSinceNow: 120)
        while done != leases && Date() < deadline {
            for item in pool.takeFinished() {
                switch item {
                case .result(_, _, let result): results[result.test] = result
                case .leaseDone(let lease): done.insert(lease)
                default: break
                }
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        #expect(done == leases, "leases \(leases.subtracting(done)) did not finish within 120 s")
        return results
    }

    func count(_ line: String) -> Int {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").filter { $0 == line }.count
    }

    @Test(arguments: [true, false])
    func aQueuedGrantOfTheSameSessionKeepsTheFilesModuleSetUp(queuedTogether: Bool) throws {
        let pool = pool()
        defer {
            pool.close()
            try? FileManager.default.removeItem(atPath: cache)
            try? FileManager.default.removeItem(atPath: log)
        }
        var results: [String: TestResult] = [:]
        pool.enqueue(assign(1, Array(Self.a.prefix(2))))
        if queuedTogether {
            // Prefetched: queued while the first grant runs (its session is still starting).
            pool.enqueue(assign(2, Array(Self.a.dropFirst(2))))
            results = self.results(of: [1, 2], on: pool)
        } else {
            // The control: the second grant comes only after the first ended.
            results = self.results(of: [1], on: pool)
            pool.enqueue(assign(2, Array(Self.a.dropFirst(2))))
            results.merge(self.results(of: [2], on: pool)) { first, _ in first }
        }
        #expect(results.count == 3 && results.values.allSatisfy { $0.outcome == .passed }, "\(results)")
        #expect(count("session setup") == 1, "one warm session ran both grants")
        #expect(count("module setup") == (queuedTogether ? 1 : 2), "test_a's connection made once per process when the next grant was known")
    }
}
