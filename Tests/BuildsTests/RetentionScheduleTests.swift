import Builds
import Foundation
import Model
import Store
import Testing

/// The coordinator's retention schedule on a real SQLite file: its first prune runs when started.
@Suite struct RetentionScheduleTests {
    @Test func startingPrunesOldBuildsAtOnceAndKeepsRecentOnes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-retention-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try Store(path: directory + "/d.db")
        let lifecycle = BuildLifecycle(store: store, refresh: nil)
        let now = Date().timeIntervalSince1970
        for (id, age) in [("old", 30.0), ("recent", 0.0)] {
            let cases = [[TestResult(test: "t::a", attempt: 1, outcome: .passed, duration: 0.1, worker: "ci", arch: .x86_64)]]
            _ = try lifecycle.ingest(cases, into: BuildSpec(id: id, suite: "junit", commit: id, branch: "main"),
                                     createdAt: now - age * 86_400)
        }
        let lines = LockedLines()
        let schedule = RetentionSchedule(store: store, keepDays: 7, interval: 3_600) { lines.append($0) }
        schedule.start()
        let deadline = Date(timeIntervalSinceNow: 10)
        while lines.all.isEmpty, Date() < deadline { usleep(20_000) }
        schedule.stop()
        #expect(try store.buildHistory().map(\.id) == ["recent"])
        #expect(try store.rollups(test: "t::a").count == 1, "the old day was rolled up before it went")
        #expect(lines.all.contains { $0.contains("pruned 1 builds") })
    }
}

/// Log lines collected from another thread.
final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
