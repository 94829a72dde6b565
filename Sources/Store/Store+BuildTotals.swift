import GRDB
public import Model

/// One build's figures for trend graphs (`BuildTrendRow`): each test counted once, by its final
/// outcome (`Store.finalOutcomePerTest`), and the machine time of every attempt.
public struct BuildTotal: Sendable, Hashable {
    public var tests = 0, passed = 0, failed = 0, skipped = 0
    /// Tests that failed and then passed on a retry.
    public var passedOnRetry = 0
    public var testSeconds = 0.0

    public init() {}

    /// Folds attempts given test by test, each test's attempts in order (how an ingest of a new
    /// build writes them): the same figures `Store.buildTotalSelect` reads back.
    struct Folder {
        private var total = BuildTotal()
        private var test = FinalOutcomeFold(), seconds = 0.0

        mutating func add(outcome: Outcome, duration: Double) {
            test.add(outcome)
            seconds += duration
        }

        /// The current test is complete.
        mutating func endTest() {
            guard test.attempts > 0 else { return }
            total.tests += 1
            switch test.outcome {
            case .passed, .xfailed, .xpassed:
                total.passed += 1
                if test.attempts > 1 { total.passedOnRetry += 1 }
            case .failed, .error: total.failed += 1
            case .skipped: total.skipped += 1
            }
            total.testSeconds += seconds
            (test, seconds) = (FinalOutcomeFold(), 0)
        }

        mutating func finish() -> BuildTotal {
            endTest()
            return total
        }
    }
}

/// Each finished build's trend totals (`build_total`), written when the build finishes, so a
/// trend over days reads one row per build instead of grouping every raw result of those days
/// again (30 days of 200,000 results a day took 7–11 s that way; at 20 M a day, minutes).
///
/// A total is what `BuildTrendRow` holds: each test counted once, by its final outcome. It is
/// dropped whenever results are added to its build (a re-opened ingest, a late attempt), and
/// a finished build without one is folded from its results when read, so a total never
/// disagrees with the rows it stands for.
extension Store {
    /// Each test of build `?1` once: `test`, `attempts`, `seconds` (all its attempts' time),
    /// `any_failed`, and `outcome`, its final outcome: its last attempt's (SQLite takes the bare
    /// `outcome` of a `max()` aggregate from the row holding the maximum, so no other max() or
    /// min() may appear), or passed when its first attempt failed and a later one passed. A
    /// test's retries (and its confirmation runs) go out together, so the attempt numbered last
    /// need not be the one that ended it: pyparsing's order-dependent test passed its first
    /// retry, which ran its file's earlier tests first, while its second, alone, failed later.
    /// (A first attempt that passed stays its last attempt's: a JUnit file may list a test that
    /// passed and then its teardown's error.) `FinalOutcomeFold` applies the same rule to
    /// attempts read in order.
    static let finalOutcomePerTest = """
        SELECT test, attempts, seconds, failures > 0 AS any_failed,
               CASE WHEN first_failed AND passes > 0 THEN 'passed' ELSE last END AS outcome
        FROM (SELECT test, max(attempt) AS attempts, outcome AS last, sum(duration) AS seconds,
                     sum(outcome IN ('failed', 'error')) AS failures, sum(outcome = 'passed') AS passes,
                     sum(attempt = 1 AND outcome IN ('failed', 'error')) > 0 AS first_failed
              FROM result WHERE build_id = ?1 GROUP BY test)
        """

    /// One build's totals folded from its results (`?1`: the build id): one row, zeros for a
    /// build without results; each test counted by its final outcome (`finalOutcomePerTest`).
    static let buildTotalSelect = """
        SELECT count(*) AS tests,
               coalesce(sum(outcome IN ('passed', 'xfailed', 'xpassed')), 0) AS passed,
               coalesce(sum(outcome IN ('failed', 'error')), 0) AS failed,
               coalesce(sum(outcome = 'skipped'), 0) AS skipped,
               coalesce(sum(attempts > 1 AND outcome IN ('passed', 'xfailed', 'xpassed')), 0) AS retried,
               coalesce(sum(seconds), 0) AS seconds
        FROM (\(finalOutcomePerTest))
        """

    /// Writes build `id`'s totals from its results (inside the transaction that finishes it):
    /// one key-range scan of the build.
    static func recordBuildTotal(_ db: Database, build id: String) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO build_total (build_id, tests, passed, failed, skipped, passed_on_retry, test_seconds)
            SELECT ?1, tests, passed, failed, skipped, retried, seconds FROM (\(buildTotalSelect))
            """, arguments: [id])
    }

    /// Writes totals already folded (an ingest that wrote the whole build folded them as it wrote).
    static func recordBuildTotal(_ db: Database, build id: String, _ total: BuildTotal) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO build_total (build_id, tests, passed, failed, skipped, passed_on_retry, test_seconds)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, total.tests, total.passed, total.failed, total.skipped, total.passedOnRetry, total.testSeconds])
    }

    /// Drops build `id`'s totals: results are being added to it.
    static func forgetBuildTotal(_ db: Database, build id: String) throws {
        try db.execute(sql: "DELETE FROM build_total WHERE build_id = ?", arguments: [id])
    }

    /// Build `id`'s totals folded from its results now (a finished build without a stored total).
    static func foldBuildTotal(_ db: Database, build id: String)
        throws -> (tests: Int, passed: Int, failed: Int, skipped: Int, passedOnRetry: Int, testSeconds: Double)
    {
        guard let row = try Row.fetchOne(db, sql: buildTotalSelect, arguments: [id]) else { return (0, 0, 0, 0, 0, 0) }
        return (row["tests"], row["passed"], row["failed"], row["skipped"], row["retried"], row["seconds"])
    }

    /// Whether build `id` has a stored total (for tests and the benchmark's accounting).
    public func hasBuildTotal(_ id: String) throws(StoreError) -> Bool {
        try read { db in try Bool.fetchOne(db, sql: "SELECT 1 FROM build_total WHERE build_id = ?", arguments: [id]) ?? false }
    }
}
