import Foundation
import GRDB
public import Model

extension Store {
    /// The suite file's newest finished build of its own and, of the `recent` builds before it,
    /// the one that ran its first attempts in the most different number of processes, each over
    /// the tests both ran (`ProcessWork`); nil when fewer than two builds have places or every
    /// one ran in as many processes as the newest (nothing to compare).
    public func processWork(suite: String, recent: Int = 6) throws(StoreError) -> (latest: ProcessWork, earlier: ProcessWork)? {
        try read { db in
            let ids = try Self.finishedRunBuilds(suite: suite, limit: recent + 1, db)
            guard ids.count > 1 else { return nil }
            let count = try db.cachedStatement(
                sql: "SELECT COUNT(DISTINCT process) FROM result_place WHERE build_id = ? AND attempt = 1")
            let processes = try ids.map { try Int.fetchOne(count, arguments: [$0]) ?? 0 }
            guard processes[0] > 0 else { return nil }
            // The earlier build furthest from the newest in processes (the newest of ties).
            let spread = processes.dropFirst().map { abs($0 - processes[0]) }
            guard let widest = spread.max(), widest > 0, let at = spread.firstIndex(of: widest), processes[at + 1] > 0 else {
                return nil
            }
            guard let row = try Row.fetchOne(db, sql: """
                SELECT COUNT(*), TOTAL(a.duration + pa.shared_setup), TOTAL(b.duration + pb.shared_setup),
                       COUNT(DISTINCT pa.process), COUNT(DISTINCT pb.process)
                FROM result a
                JOIN result_place pa ON pa.build_id = a.build_id AND pa.test = a.test AND pa.attempt = 1
                JOIN result b ON b.build_id = ? AND b.test = a.test AND b.attempt = 1
                JOIN result_place pb ON pb.build_id = b.build_id AND pb.test = b.test AND pb.attempt = 1
                WHERE a.build_id = ? AND a.attempt = 1
                """, arguments: [ids[at + 1], ids[0]]) else { return nil }
            let tests: Int = row[0]
            guard tests > 0 else { return nil }
            return (ProcessWork(tests: tests, seconds: row[1], processes: row[3]),
                    ProcessWork(tests: tests, seconds: row[2], processes: row[4]))
        }
    }

    /// What a test process of the suite file paid in its newest finished build for what it makes
    /// once (`TestResult.sharedSetup`: pytest's session-scoped fixtures): the median over its
    /// processes that made any; 0 when none did or there is no such build.
    public func processSetupSeconds(suite: String) throws(StoreError) -> Double {
        guard let id = try latestFinishedRunBuild(suite: suite) else { return 0 }
        return try read { db in
            let paid = try Double.fetchAll(db, sql: """
                SELECT paid FROM (SELECT TOTAL(shared_setup) AS paid FROM result_place WHERE build_id = ? GROUP BY process)
                WHERE paid > 0 ORDER BY paid
                """, arguments: [id])
            return paid.isEmpty ? 0 : paid[paid.count / 2]
        }
    }

    /// Remembers the suite file's latest process-cost verdict (`ProcessStartCost.keepsOrder`)
    /// and the seconds per process it was drawn from.
    public func recordProcessCostVerdict(suite: String, keepsOrder: Bool, perProcessSeconds: Double) throws(StoreError) {
        try write { db in
            try db.execute(sql: """
                INSERT INTO suite_process_cost (suite, keeps_order, per_process_seconds, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (suite) DO UPDATE SET keeps_order = excluded.keeps_order,
                  per_process_seconds = excluded.per_process_seconds, updated_at = excluded.updated_at
                """, arguments: [suite, keepsOrder, perProcessSeconds, Date().timeIntervalSince1970])
        }
    }

    /// The suite file's latest process-cost verdict: whether it keeps its collection order; nil
    /// when none was drawn.
    public func processCostVerdict(suite: String) throws(StoreError) -> Bool? {
        try read { db in
            try Bool.fetchOne(db, sql: "SELECT keeps_order FROM suite_process_cost WHERE suite = ?", arguments: [suite])
        }
    }
}
