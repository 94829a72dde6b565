import Foundation
import GRDB
import Model
import Testing
@testable import Store

/// Per-build trend totals (`build_total`) on a real SQLite file: written when a build finishes,
/// what trends read, dropped when results are added, backfilled by the migration.
@Suite struct StoreBuildTotalTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-totals-\(UUID().uuidString)").path
    var path: String { directory + "/fleet.db" }

    func attempts(_ test: String, _ outcomes: [Outcome], duration: Double = 0.25) -> [TestResult] {
        outcomes.enumerated().map { index, outcome in
            TestResult(test: test, attempt: index + 1, outcome: outcome, duration: duration, worker: "ci", arch: .x86_64)
        }
    }

    /// One build: passed on retry, passed, skipped, failed every attempt: 4 tests, 6 attempts.
    var cases: [[TestResult]] {
        [attempts("t::flaky", [.failed, .passed]), attempts("t::ok", [.passed]), attempts("t::skip", [.skipped]),
         attempts("t::bad", [.failed, .failed])]
    }

    func expectFigures(_ row: BuildTrendRow?, tests: Int, passed: Int, failed: Int, skipped: Int, retried: Int, seconds: Double) {
        #expect(row?.tests == tests)
        #expect(row?.passed == passed)
        #expect(row?.failed == failed)
        #expect(row?.skipped == skipped)
        #expect(row?.passedOnRetry == retried)
        #expect(abs((row?.testSeconds ?? -1) - seconds) < 1e-9)
    }

    @Test func aFinishedBuildsTotalsAreStoredAndAreWhatTrendsRead() throws {
        let store = try Store(path: path)
        _ = try store.ingest(build: BuildSpec(id: "b1", suite: "junit", commit: "c1", branch: "main"), testCases: cases)
        #expect(try !store.hasBuildTotal("b1"), "a running build has no total yet")
        try store.finishBuild("b1", verdict: .fail)
        #expect(try store.hasBuildTotal("b1"))
        expectFigures(try store.buildTrends().first, tests: 4, passed: 2, failed: 1, skipped: 1, retried: 1, seconds: 1.5)

        // The trend reads the stored row, not the results: change the row and the trend follows.
        try store.write { db in try db.execute(sql: "UPDATE build_total SET tests = 40 WHERE build_id = 'b1'") }
        #expect(try store.buildTrends().first?.tests == 40)
    }

    @Test func theTotalAnIngestFoldsAsItWritesIsTheOneItsRowsGive() throws {
        let store = try Store(path: path)
        // A name twice in one call (a rerun listed apart), an xfail, an error after a pass.
        let more = cases + [attempts("t::flaky", [.failed]), attempts("t::x", [.xfailed]), attempts("t::e", [.passed, .error])]
        let report = try store.ingest(build: BuildSpec(id: "b1", suite: "junit", commit: "c1", branch: "main"), testCases: more)
        let written = try #require(report.written?.total)
        let read = try store.read { db in try Store.foldBuildTotal(db, build: "b1") }
        #expect((written.tests, written.passed, written.failed, written.skipped) == (read.tests, read.passed, read.failed, read.skipped))
        #expect(written.passedOnRetry == read.passedOnRetry)
        #expect(abs(written.testSeconds - read.testSeconds) < 1e-9)
        // t::flaky failed first and passed later: passed on retry, though its last-numbered
        // attempt failed; t::e passed first, so its later error stands.
        #expect((written.tests, written.passed, written.failed, written.passedOnRetry) == (6, 3, 2, 1))
        // The gate's summary pass folds the same totals (what a coordinator's finish stores).
        let summed = try #require(try store.summary(build: "b1").total)
        #expect((summed.tests, summed.passed, summed.failed, summed.skipped, summed.passedOnRetry)
                == (read.tests, read.passed, read.failed, read.skipped, read.passedOnRetry))
        #expect(abs(summed.testSeconds - read.testSeconds) < 1e-9)
        try store.finishBuild("b1", verdict: .fail, total: written)
        expectFigures(try store.buildTrends().first, tests: 6, passed: 3, failed: 2, skipped: 1, retried: 1, seconds: 2.5)
    }

    @Test func aRetryThatPassedCountsThoughAnAttemptNumberedAfterItFailedLater() throws {
        let store = try Store(path: path)
        try store.createBuild(BuildSpec(id: "b1", suite: "pytest", commit: "c1", branch: "main"), testCount: 3)
        // A coordinator's build: the first retry (with its file's earlier tests) passed, the
        // second, sent out with it and run alone, failed after it; t::bad failed all three.
        let order = attempts("t::order", [.failed, .passed, .failed])
        _ = try store.recordResults(build: "b1", [order[0], order[2]])
        _ = try store.recordResults(build: "b1", [order[1]] + attempts("t::bad", [.failed, .failed, .failed]) + attempts("t::ok", [.passed]))
        let summary = try store.summary(build: "b1")
        #expect(summary.finalOutcomes[.passed] == 2 && summary.finalOutcomes[.failed] == 1, "\(summary.finalOutcomes)")
        #expect(summary.passedOnRetry.map(\.test) == ["t::order"] && summary.failures.map(\.test) == ["t::bad"])
        let counts = try #require(try store.buildCounts(["b1"])["b1"])
        #expect((counts.tests, counts.passed, counts.failed, counts.passedOnRetry) == (3, 2, 1, 1), "\(counts)")
        try store.finishBuild("b1", verdict: .fail)
        expectFigures(try store.buildTrends().first, tests: 3, passed: 2, failed: 1, skipped: 0, retried: 1, seconds: 1.75)
    }

    @Test func resultsAddedLaterDropTheTotalAndTheTrendFoldsThemIn() throws {
        let store = try Store(path: path)
        let spec = BuildSpec(id: "b1", suite: "junit", commit: "c1", branch: "main")
        _ = try store.ingest(build: spec, testCases: cases)
        try store.finishBuild("b1", verdict: .fail)
        // A late attempt of a finished build (a coordinator's resent batch).
        try store.recordResults(build: "b1", [TestResult(test: "t::bad", attempt: 3, outcome: .passed, duration: 0.5, worker: "ci", arch: .x86_64)])
        #expect(try !store.hasBuildTotal("b1"))
        expectFigures(try store.buildTrends().first, tests: 4, passed: 3, failed: 0, skipped: 1, retried: 2, seconds: 2.0)

        // A second ingest call re-opens the build; finishing it totals every attempt again.
        try store.finishBuild("b1", verdict: .pass)
        _ = try store.ingest(build: spec, testCases: [attempts("t::new", [.failed])])
        #expect(try !store.hasBuildTotal("b1"))
        try store.finishBuild("b1", verdict: .fail)
        #expect(try store.hasBuildTotal("b1"))
        expectFigures(try store.buildTrends().first, tests: 5, passed: 3, failed: 1, skipped: 1, retried: 2, seconds: 2.25)
    }

    @Test func anEndedBuildIsTotalledToo() throws {
        let store = try Store(path: path)
        try store.createBuild(BuildSpec(id: "r1", suite: "s", commit: "c1", branch: "main"), testCount: 4)
        try store.recordResults(build: "r1", cases.joined().map { $0 })
        try store.endBuild("r1", how: .cancelled, reason: "cancelled by a person")
        #expect(try store.hasBuildTotal("r1"))
        expectFigures(try store.buildTrends().first, tests: 4, passed: 2, failed: 1, skipped: 1, retried: 1, seconds: 1.5)
    }

    @Test func theMigrationTotalsTheFinishedBuildsAStoreAlreadyHolds() throws {
        do {
            let store = try Store(path: path)
            for number in 1...3 {
                _ = try store.ingest(build: BuildSpec(id: "b\(number)", suite: "junit", commit: "c\(number)", branch: "main"),
                                     testCases: cases)
                if number < 3 { try store.finishBuild("b\(number)", verdict: .fail) }
            }
            let before = try store.buildTrends()
            #expect(before.count == 2)
            // The store as it was before the migration: no table, the migration not applied.
            try store.write { db in
                try db.execute(sql: "DROP TABLE build_total")
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v16 scale4 build totals'")
            }
        }
        let store = try Store(path: path)
        #expect(try store.hasBuildTotal("b1"))
        #expect(try store.hasBuildTotal("b2"))
        #expect(try !store.hasBuildTotal("b3"), "a running build is totalled when it finishes")
        for row in try store.buildTrends() {
            expectFigures(row, tests: 4, passed: 2, failed: 1, skipped: 1, retried: 1, seconds: 1.5)
        }
    }

    @Test func pruneDeletesThePrunedBuildsTotals() throws {
        let store = try Store(path: path)
        let day = 86_400.0, start = 20_000 * 86_400.0 + 3_600
        for number in 0..<3 {
            _ = try store.ingest(build: BuildSpec(id: "b\(number)", suite: "junit", commit: "c\(number)", branch: "main"),
                                 testCases: cases, createdAt: start + Double(number) * day)
            try store.finishBuild("b\(number)", verdict: .fail)
        }
        _ = try store.prune(keepDays: 1, now: start + 2 * day, targetBranches: ["main"])
        let left = try store.read { db in try String.fetchAll(db, sql: "SELECT build_id FROM build_total ORDER BY build_id") }
        #expect(left == ["b2"])
        // The pruned days read the same from their rollups.
        let days = try store.dayTrends(fromDay: 20_000, toDay: 20_002, targetBranches: ["main"])
        #expect(days.map(\.rolledUp) == [true, true, false])
        #expect(days.allSatisfy { $0.tests == 4 && $0.passed == 2 && $0.passedOnRetry == 1 })
    }

    @Test func aStoreAtTheCurrentSchemaOpensWithoutWriting() throws {
        let store = try Store(path: path)
        #expect(store.hasWritten, "a new store is migrated")
        try store.createBuild(BuildSpec(id: "b1", suite: "s"), testCount: 1)
        #expect(try store.checkpoint())
        #expect(store.logBytes == 0)
        #expect(try store.checkpoint(), "an empty log is a whole checkpoint")
        // GRDB writes to an empty log when it opens a pool; from then on an open at the current
        // schema checks it on a read snapshot and writes nothing.
        _ = try Store(path: path)
        let bytes = store.logBytes
        let again = try Store(path: path)
        #expect(!again.hasWritten)
        #expect(try again.build("b1") != nil)
        #expect(again.logBytes == bytes)
        try again.createBuild(BuildSpec(id: "b2", suite: "s"), testCount: 1)
        #expect(again.hasWritten)
    }
}
