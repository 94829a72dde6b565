import GRDB
import Foundation
import Model

/// A test a person put in quarantine (a row of the `quarantine` table).
public struct QuarantineEntry: Sendable, Hashable {
    public var test: String
    public var reason: String
    public var manual: Bool
    /// Unix time the test entered quarantine.
    public var since: Double
}

/// One manual decision, in the order taken.
public struct QuarantineEvent: Sendable, Hashable {
    public var test: String
    /// true: quarantined; false: released.
    public var quarantined: Bool
    public var reason: String
    /// rowid of the newest build when the decision was taken (0: before any build).
    public var buildSeq: Int64
}

/// The suite-wide figures of the newest full analysis, so a gate can re-judge a few tests
/// against them without re-analysing the whole history.
public struct AnalysisSnapshot: Sendable, Hashable {
    public var priorAlpha: Double
    public var priorBeta: Double
    public var ambientRate: Double
    public var regressionRate: Double
    public var flagThreshold: Double
    public var nextFlagBar: Double
    /// rowid of the newest build the analysis saw.
    public var buildSeq: Int64

    public init(priorAlpha: Double, priorBeta: Double, ambientRate: Double, regressionRate: Double,
                flagThreshold: Double, nextFlagBar: Double, buildSeq: Int64) {
        self.priorAlpha = priorAlpha
        self.priorBeta = priorBeta
        self.ambientRate = ambientRate
        self.regressionRate = regressionRate
        self.flagThreshold = flagThreshold
        self.nextFlagBar = nextFlagBar
        self.buildSeq = buildSeq
    }
}

extension Store {
    /// Puts a test in manual quarantine (its failures stop blocking the gate) and records the
    /// decision. Quarantining an already quarantined test updates its reason.
    public func quarantine(test: String, reason: String) throws(StoreError) {
        guard !test.isEmpty else { throw StoreError("a test name is required", isUserError: true) }
        try write { db in
            let now = Date().timeIntervalSince1970
            try db.execute(
                sql: """
                    INSERT INTO quarantine (test, reason, manual, since) VALUES (?, ?, 1, ?)
                    ON CONFLICT (test) DO UPDATE SET reason = excluded.reason, manual = 1
                    """,
                arguments: [test, reason, now])
            try Self.recordEvent(db, test: test, action: "add", reason: reason, at: now)
        }
    }

    /// Releases a test from manual quarantine. Returns false when it was not quarantined.
    @discardableResult
    public func release(test: String) throws(StoreError) -> Bool {
        try write { db in
            try db.execute(sql: "DELETE FROM quarantine WHERE test = ?", arguments: [test])
            guard db.changesCount > 0 else { return false }
            try Self.recordEvent(db, test: test, action: "release", reason: "released", at: Date().timeIntervalSince1970)
            return true
        }
    }

    static func recordEvent(_ db: Database, test: String, action: String, reason: String, at: Double) throws {
        let seq = try Int64.fetchOne(db, sql: "SELECT max(rowid) FROM build") ?? 0
        try db.execute(
            sql: "INSERT INTO quarantine_event (test, action, reason, build_seq, at) VALUES (?, ?, ?, ?, ?)",
            arguments: [test, action, reason, seq, at])
    }

    /// Tests in quarantine, by name.
    public func quarantined() throws(StoreError) -> [QuarantineEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT test, reason, manual, since FROM quarantine ORDER BY test").map { row in
                QuarantineEntry(test: row[0], reason: row[1], manual: row[2], since: row[3])
            }
        }
    }

    /// Every manual decision, oldest first.
    public func quarantineEvents() throws(StoreError) -> [QuarantineEvent] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT test, action, reason, build_seq FROM quarantine_event ORDER BY seq").map { row in
                QuarantineEvent(test: row[0], quarantined: (row[1] as String) == "add", reason: row[2], buildSeq: row[3])
            }
        }
    }

    /// Saves the newest full analysis's suite-wide figures (one row, replaced).
    public func saveSnapshot(_ snapshot: AnalysisSnapshot) throws(StoreError) {
        try write { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO analysis_snapshot
                      (id, prior_alpha, prior_beta, ambient_rate, regression_rate, flag_threshold, next_flag_bar, build_seq, at)
                    VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [snapshot.priorAlpha, snapshot.priorBeta, snapshot.ambientRate, snapshot.regressionRate,
                            snapshot.flagThreshold, snapshot.nextFlagBar, snapshot.buildSeq, Date().timeIntervalSince1970])
        }
    }

    /// The newest saved snapshot, if a full analysis ever ran.
    public func snapshot() throws(StoreError) -> AnalysisSnapshot? {
        try read { db in
            try Row.fetchOne(
                db, sql: "SELECT prior_alpha, prior_beta, ambient_rate, regression_rate, flag_threshold, next_flag_bar, build_seq FROM analysis_snapshot WHERE id = 1"
            ).map { row in
                AnalysisSnapshot(priorAlpha: row[0], priorBeta: row[1], ambientRate: row[2], regressionRate: row[3],
                                 flagThreshold: row[4], nextFlagBar: row[5], buildSeq: row[6])
            }
        }
    }

    /// Stored attempts of one build for the given tests, ordered by test then attempt (point
    /// lookups on the result key: the gate reads only the tests that failed).
    public func results(build: String, tests: [String]) throws(StoreError) -> [StoredResult] {
        guard !tests.isEmpty else { return [] }
        return try read { db in
            let statement = try db.cachedStatement(
                sql: "SELECT test, attempt, outcome, duration, worker, arch FROM result WHERE build_id = ? AND test = ? ORDER BY attempt")
            var out: [StoredResult] = []
            for test in tests.sorted() {
                for row in try Row.fetchAll(statement, arguments: [build, test]) {
                    out.append(StoredResult(
                        test: row[0], attempt: row[1], outcome: Outcome(rawValue: row[2]) ?? .error, duration: row[3],
                        worker: row[4], arch: row[5]))
                }
            }
            return out
        }
    }

    /// The newest build's rowid (creation order), 0 for an empty store: what an analysis
    /// snapshot's `buildSeq` is compared with.
    public func latestBuildSeq() throws(StoreError) -> Int64 {
        try read { db in try Int64.fetchOne(db, sql: "SELECT coalesce(max(rowid), 0) FROM build") ?? 0 }
    }

    /// The sum of the builds' test counts: a cheap size estimate of the result table.
    public func approximateResultCount() throws(StoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT coalesce(sum(test_count), 0) FROM build") ?? 0 }
    }
}
