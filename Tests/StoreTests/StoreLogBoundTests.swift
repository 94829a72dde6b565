import Foundation
import GRDB
import Model
import Testing
@testable import Store

/// The write-ahead log stays bounded under readers that overlap it: a checkpoint past the limit
/// empties it once the readers that were running finish, and a try they blocked backs off.
@Suite struct StoreLogBoundTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-wal-\(UUID().uuidString)").path

    func fill(_ store: Store, build: String) throws {
        try store.createBuild(BuildSpec(id: build, suite: "sim:500"), testCount: 500)
        let rows = (0..<500).map {
            TestResult(test: "t::\($0)", attempt: 1, outcome: .passed, duration: 0.1, worker: "w1", arch: .x86_64)
        }
        _ = try store.recordResults(build: build, rows)
    }

    @Test func aLogPastTheLimitIsEmptiedOnceItsReadersFinish() throws {
        let store = try Store(path: directory + "/fleet.db")
        try fill(store, build: "b1")
        #expect(store.logBytes > 16_384)
        #expect(!store.checkpointIfLogExceeds(store.logBytes + 1), "under the limit: nothing to do")

        // A reader holds its snapshot of the log while more is written: the checkpoint cannot
        // empty the log, and the next try waits for the back-off.
        let reading = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            _ = try? store.pool.read { db in
                _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM result")
                reading.signal()
                release.wait()
            }
            done.signal()
        }
        reading.wait()
        try fill(store, build: "b2")
        #expect(!store.checkpointIfLogExceeds(1024, waitSeconds: 0.2, retrySeconds: 60))
        release.signal()
        done.wait()
        #expect(!store.checkpointIfLogExceeds(1024, waitSeconds: 0.2, retrySeconds: 60), "backing off")
        store.logCheckpointBackoff.withLock { $0 = 0 }
        #expect(store.checkpointIfLogExceeds(1024, waitSeconds: 0.2))
        #expect(store.logBytes == 0)
        #expect(try store.resultCount(build: "b2") == 500, "nothing lost")
    }
}
