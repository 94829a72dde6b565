import GRDB
import Foundation

/// What one `prune` did.
public struct PruneReport: Sendable, Hashable {
    /// Days rolled up before their raw rows went.
    public var daysRolledUp = 0
    public var buildsDeleted = 0
    public var resultsDeleted = 0
    /// Builds are kept from this Unix time on.
    public var cutoff: Double = 0

    public init() {}
}

/// A test's rollups summed over days (`Store.rollupTotals`).
public struct RollupTotals: Sendable, Hashable {
    public var builds = 0, runs = 0, failures = 0, flakyFailures = 0, failedBuilds = 0

    public init(builds: Int = 0, runs: Int = 0, failures: Int = 0, flakyFailures: Int = 0, failedBuilds: Int = 0) {
        (self.builds, self.runs, self.failures, self.flakyFailures, self.failedBuilds) = (builds, runs, failures, flakyFailures, failedBuilds)
    }
}

extension Store {
    /// Rolls up every whole UTC day before `cutoff` not rolled up yet: per test and branch class,
    /// the day's builds, runs, failures, flaky failures (failed attempts in builds where the test
    /// also passed), builds that failed every attempt, and duration quantiles. A build on one of
    /// `targetBranches` (or on no branch) counts as `target`, any other as `side`. Only finished
    /// builds are counted. Returns the days rolled up.
    @discardableResult
    public func rollUp(before cutoff: Double, targetBranches: Set<String>) throws(StoreError) -> Int {
        try write { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, branch, created_at FROM build
                WHERE created_at < ? AND state = 'finished'
                  AND CAST(created_at / 86400 AS INTEGER) NOT IN (SELECT day FROM rollup_day)
                ORDER BY created_at, rowid
                """, arguments: [cutoff])
            var days: [Int: [(id: String, side: Bool)]] = [:]
            for row in rows {
                let side = TestRollup.branchClass(of: row[1], targetBranches: targetBranches) == .side
                days[TestRollup.day(of: row[2]), default: []].append((row[0], side))
            }
            // A day is rolled up whole, once: `cutoff` falls on a day boundary in `prune`.
            let statement = try db.makeStatement(sql: "SELECT test, outcome, duration FROM result WHERE build_id = ? ORDER BY test, attempt")
            let insert = try db.makeStatement(sql: """
                INSERT INTO test_rollup (test, day, branch_class, builds, runs, failures, flaky_failures, failed_builds,
                                         duration_p50, duration_p90, duration_max)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (test, day, branch_class) DO UPDATE SET
                  builds = builds + excluded.builds, runs = runs + excluded.runs, failures = failures + excluded.failures,
                  flaky_failures = flaky_failures + excluded.flaky_failures,
                  failed_builds = failed_builds + excluded.failed_builds,
                  duration_p50 = excluded.duration_p50, duration_p90 = excluded.duration_p90,
                  duration_max = max(duration_max, excluded.duration_max)
                """)
            let addToTotal = try db.makeStatement(sql: """
                INSERT INTO rollup_total (test, branch_class, builds, runs, failures, flaky_failures, failed_builds)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (test, branch_class) DO UPDATE SET
                  builds = builds + excluded.builds, runs = runs + excluded.runs, failures = failures + excluded.failures,
                  flaky_failures = flaky_failures + excluded.flaky_failures,
                  failed_builds = failed_builds + excluded.failed_builds
                """)
            for (day, builds) in days.sorted(by: { $0.key < $1.key }) {
                var accumulators: [String: RollupAccumulator] = [:]
                for build in builds {
                    var current: String?
                    var runs = 0, failures = 0, passes = 0
                    var durations: [Float] = []
                    func close() {
                        guard let test = current else { return }
                        let key = (build.side ? "s\u{0}" : "t\u{0}") + test
                        accumulators[key, default: RollupAccumulator()].add(runs: runs, failures: failures, passes: passes,
                                                                            durations: durations)
                    }
                    let cursor = try Row.fetchCursor(statement, arguments: [build.id])
                    while let row = try cursor.next() {
                        let test: String = row[0]
                        if test != current {
                            close()
                            current = test
                            runs = 0; failures = 0; passes = 0
                            durations.removeAll(keepingCapacity: true)
                        }
                        let outcome: String = row[1]
                        runs += 1
                        if outcome == "failed" || outcome == "error" { failures += 1 }
                        else if outcome != "skipped" { passes += 1 }
                        durations.append(Float(row[2] as Double))
                    }
                    close()
                }
                for (key, total) in accumulators {
                    let side = key.hasPrefix("s")
                    let test = String(key.dropFirst(2))
                    let (p50, p90, maximum) = total.quantiles()
                    try insert.execute(arguments: [
                        test, day, side ? "side" : "target", total.builds, total.runs, total.failures, total.flakyFailures,
                        total.failedBuilds, p50, p90, maximum,
                    ])
                    try addToTotal.execute(arguments: [
                        test, side ? "side" : "target", total.builds, total.runs, total.failures, total.flakyFailures, total.failedBuilds,
                    ])
                }
                try Self.rollUpTrends(db, day: day, buildIDs: builds.map(\.id), targetBranches: targetBranches)
                try db.execute(sql: "INSERT OR REPLACE INTO rollup_day (day, builds, rolled_at) VALUES (?, ?, ?)",
                               arguments: [day, builds.count, Date().timeIntervalSince1970])
            }
            return days.count
        }
    }

    /// Keeps raw results and output tails of the newest `keepDays` UTC days (today included):
    /// rolls up the older days first (`rollUp`), then deletes their finished builds with their
    /// results, outputs and selections. Running builds are never deleted. `now` is the current
    /// Unix time (a parameter so simulated histories can be pruned).
    public func prune(keepDays: Int, now: Double? = nil, targetBranches: Set<String>) throws(StoreError) -> PruneReport {
        let now = now ?? Date().timeIntervalSince1970
        guard keepDays >= 1 else { throw StoreError("--keep-days must be 1 or more, got \(keepDays)", isUserError: true) }
        var report = PruneReport()
        report.cutoff = Double(TestRollup.day(of: now) - keepDays + 1) * 86_400
        report.daysRolledUp = try rollUp(before: report.cutoff, targetBranches: targetBranches)
        try writeWithoutForeignKeyChecks { db in
            let old = "SELECT id FROM build WHERE created_at < ?1 AND state = 'finished'"
            try db.execute(sql: "DELETE FROM output WHERE build_id IN (\(old))", arguments: [report.cutoff])
            try db.execute(sql: "DELETE FROM result_place WHERE build_id IN (\(old))", arguments: [report.cutoff])
            try db.execute(sql: "DELETE FROM result WHERE build_id IN (\(old))", arguments: [report.cutoff])
            report.resultsDeleted = db.changesCount
            try db.execute(sql: "DELETE FROM selection_skip WHERE build_id IN (\(old))", arguments: [report.cutoff])
            try db.execute(sql: "DELETE FROM build_selection WHERE build_id IN (\(old))", arguments: [report.cutoff])
            try db.execute(sql: "DELETE FROM build_total WHERE build_id IN (\(old))", arguments: [report.cutoff])
            try db.execute(sql: "DELETE FROM build WHERE created_at < ?1 AND state = 'finished'", arguments: [report.cutoff])
            report.buildsDeleted = db.changesCount
        }
        // Copy the WAL into the file and truncate it, so the freed pages are what the next days
        // reuse and the files stop growing (a reader still open only postpones this: best effort).
        if report.buildsDeleted > 0 { _ = try? pool.writeWithoutTransaction { try $0.checkpoint(.truncate) } }
        return report
    }

    /// Rollups, oldest day first: of one test or all, from `fromDay` on.
    public func rollups(test: String? = nil, fromDay: Int = Int.min) throws(StoreError) -> [TestRollup] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT test, day, branch_class, builds, runs, failures, flaky_failures, failed_builds,
                       duration_p50, duration_p90, duration_max
                FROM test_rollup WHERE (?1 IS NULL OR test = ?1) AND day >= ?2 ORDER BY day, test, branch_class
                """, arguments: [test, fromDay]).map { row in
                TestRollup(test: row[0], day: row[1], branchClass: TestRollup.BranchClass(rawValue: row[2]) ?? .target,
                           builds: row[3], runs: row[4], failures: row[5], flakyFailures: row[6], failedBuilds: row[7],
                           durationP50: row[8], durationP90: row[9], durationMax: row[10])
            }
        }
    }

    /// Every test's rollups of `branchClass` summed over every rolled-up day (`rollup_total`):
    /// the long record the flaky analysis adds to its window of raw results.
    public func allRollupTotals(branchClass: TestRollup.BranchClass = .target) throws(StoreError) -> [String: RollupTotals] {
        try read { db in
            var totals: [String: RollupTotals] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT test, builds, runs, failures, flaky_failures, failed_builds FROM rollup_total WHERE branch_class = ?
                """, arguments: [branchClass.rawValue])
            while let row = try rows.next() {
                totals[row[0]] = RollupTotals(builds: row[1], runs: row[2], failures: row[3], flakyFailures: row[4],
                                              failedBuilds: row[5])
            }
            return totals
        }
    }

    /// Each of `tests`' rollups of `branchClass` summed over every rolled-up day (tests without
    /// any are left out): the long record behind a bounded window of raw results.
    public func rollupTotals(tests: [String], branchClass: TestRollup.BranchClass = .target) throws(StoreError)
        -> [String: RollupTotals]
    {
        guard !tests.isEmpty else { return [:] }
        return try read { db in
            var totals: [String: RollupTotals] = [:]
            let statement = try db.cachedStatement(sql: """
                SELECT builds, runs, failures, flaky_failures, failed_builds FROM rollup_total WHERE test = ? AND branch_class = ?
                """)
            for test in tests {
                guard let row = try Row.fetchOne(statement, arguments: [test, branchClass.rawValue]),
                      let builds = row[0] as Int? else { continue }
                totals[test] = RollupTotals(builds: builds, runs: row[1], failures: row[2], flakyFailures: row[3],
                                            failedBuilds: row[4])
            }
            return totals
        }
    }
}

/// One test's figures for one day and branch class while they are summed up.
struct RollupAccumulator {
    var builds = 0, runs = 0, failures = 0, flakyFailures = 0, failedBuilds = 0
    var durations: [Float] = []

    mutating func add(runs: Int, failures: Int, passes: Int, durations: [Float]) {
        builds += 1
        self.runs += runs
        self.failures += failures
        if failures > 0 && passes > 0 { flakyFailures += failures }
        if failures > 0 && passes == 0 { failedBuilds += 1 }
        self.durations += durations
    }

    func quantiles() -> (Double, Double, Double) {
        guard !durations.isEmpty else { return (0, 0, 0) }
        let sorted = durations.sorted()
        func at(_ q: Double) -> Double { Double(sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * q + 0.5))]) }
        return (at(0.5), at(0.9), Double(sorted.last!))
    }
}
