import Foundation
import Model
import Testing
@testable import Store

/// Retention on a real SQLite file: `prune` rolls each whole day up before deleting its raw rows,
/// and the rollups are what remains of those days.
@Suite struct StoreRetentionTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-retention-\(UUID().uuidString)").path
    static let day = 86_400.0
    /// Noon of day 20,000 (2024-10-04), UTC.
    static let start = 20_000 * day + day / 2

    func attempts(_ test: String, _ outcomes: [Outcome], duration: Double = 0.5) -> [TestResult] {
        outcomes.enumerated().map { index, outcome in
            TestResult(test: test, attempt: index + 1, outcome: outcome, duration: duration * Double(index + 1), worker: "ci",
                       arch: .x86_64)
        }
    }

    /// Day d (0…4) has a main build and a PR build: t::flaky fails then passes on main every
    /// day, t::pr fails every attempt on the PR, t::ok passes.
    func makeStore() throws -> Store {
        let store = try Store(path: directory + "/fleet.db")
        for day in 0..<5 {
            let created = Self.start + Double(day) * Self.day
            _ = try store.ingest(build: BuildSpec(id: "main-\(day)", suite: "junit", commit: "c\(day)", branch: "main"),
                                 testCases: [attempts("t::flaky", [.failed, .passed]), attempts("t::ok", [.passed])],
                                 createdAt: created)
            try store.finishBuild("main-\(day)", verdict: .pass)
            _ = try store.ingest(build: BuildSpec(id: "pr-\(day)", suite: "junit", commit: "p\(day)", branch: "pr/1"),
                                 testCases: [attempts("t::pr", [.failed, .failed, .failed]), attempts("t::ok", [.passed])],
                                 createdAt: created + 60)
            try store.finishBuild("pr-\(day)", verdict: .fail)
        }
        return store
    }

    @Test func pruneRollsUpOldDaysThenDeletesTheirRawRows() throws {
        let store = try makeStore()
        let now = Self.start + 4 * Self.day
        let report = try store.prune(keepDays: 2, now: now, targetBranches: ["main"])
        #expect(report.daysRolledUp == 3)
        #expect(report.buildsDeleted == 6)
        #expect(report.resultsDeleted == 3 * (3 + 4))  // a day: 3 rows on main, 4 on the PR
        #expect(try store.buildHistory().map(\.id) == ["main-3", "pr-3", "main-4", "pr-4"])
        #expect(try store.loadHistory().attempts.count == 2 * (3 + 4))

        let flaky = try store.rollups(test: "t::flaky")
        #expect(flaky.map(\.day) == [20_000, 20_001, 20_002])
        let first = try #require(flaky.first)
        #expect(first.branchClass == .target)
        #expect((first.builds, first.runs, first.failures, first.flakyFailures, first.failedBuilds) == (1, 2, 1, 1, 0))
        #expect(first.durationMax == 1.0)
        let pr = try store.rollups(test: "t::pr")
        #expect(pr.allSatisfy { $0.branchClass == .side && $0.failedBuilds == 1 && $0.flakyFailures == 0 && $0.runs == 3 })
        let ok = try store.rollups(test: "t::ok", fromDay: 20_002)
        #expect(ok.map(\.branchClass).sorted { $0.rawValue < $1.rawValue } == [.side, .target])

        let totals = try store.rollupTotals(tests: ["t::flaky", "t::pr", "t::none"])
        #expect(totals["t::flaky"] == RollupTotals(builds: 3, runs: 6, failures: 3, flakyFailures: 3, failedBuilds: 0))
        #expect(totals["t::pr"] == nil, "a PR's break is side-branch evidence, never main's record")
        #expect(totals["t::none"] == nil)
    }

    @Test func pruningAgainChangesNothingAndKeepsRunningBuilds() throws {
        let store = try makeStore()
        try store.createBuild(BuildSpec(id: "running", suite: "s", commit: "c9", branch: "main"), testCount: 1)
        let now = Self.start + 4 * Self.day
        _ = try store.prune(keepDays: 2, now: now, targetBranches: ["main"])
        let again = try store.prune(keepDays: 2, now: now, targetBranches: ["main"])
        #expect(again.daysRolledUp == 0)
        #expect(again.buildsDeleted == 0)
        #expect(try store.rollups(test: "t::flaky").count == 3, "each day is rolled up once")
        // Far in the future every finished build goes; the running one stays.
        _ = try store.prune(keepDays: 1, now: now + 400 * Self.day, targetBranches: ["main"])
        #expect(try store.buildHistory().map(\.id) == ["running"])
        #expect(try store.rollups(test: "t::flaky").count == 5)
    }

    @Test func dayTrendsShowPrunedDaysWithTheValuesTheyHadBeforePruning() throws {
        let store = try makeStore()
        let (first, last) = (TestRollup.day(of: Self.start), TestRollup.day(of: Self.start) + 4)
        var before: [TestRollup.BranchClass?: [DayTrendRow]] = [:]
        for branchClass in [nil, TestRollup.BranchClass.target, .side] {
            before[branchClass] = try store.dayTrends(fromDay: first - 30, toDay: last, branchClass: branchClass, targetBranches: ["main"])
        }
        let all = try #require(before[nil])
        #expect(all.map(\.day) == Array(first...last))
        #expect(all.allSatisfy { !$0.rolledUp && $0.builds == 2 && $0.tests == 4 && $0.failed == 1 && $0.passedOnRetry == 1 })

        _ = try store.prune(keepDays: 2, now: Self.start + 4 * Self.day, targetBranches: ["main"])
        for branchClass in [nil, TestRollup.BranchClass.target, .side] {
            let after = try store.dayTrends(fromDay: first - 30, toDay: last, branchClass: branchClass, targetBranches: ["main"])
            let earlier = try #require(before[branchClass])
            #expect(after.map(\.day) == earlier.map(\.day), "every day is still there after its raw rows went")
            #expect(after.map(\.rolledUp) == [true, true, true, false, false])
            for (was, now) in zip(earlier, after) {
                #expect((now.builds, now.simulatedBuilds, now.tests, now.passed) == (was.builds, was.simulatedBuilds, was.tests, was.passed))
                #expect((now.failed, now.skipped, now.passedOnRetry, now.timedBuilds) == (was.failed, was.skipped, was.passedOnRetry, was.timedBuilds))
                #expect(abs(now.testSeconds - was.testSeconds) < 1e-9)
                #expect(abs(now.wallSeconds - was.wallSeconds) < 1e-6)
            }
        }
        #expect(try store.dayTrends(fromDay: first, toDay: last, branchClass: .side, targetBranches: ["main"])
            .allSatisfy { $0.failed == 1 && $0.passedOnRetry == 0 }, "the PR's break is the side class's")
    }

    @Test func rollupTotalsAreKeptPerTestAcrossPrunes() throws {
        let store = try makeStore()
        _ = try store.prune(keepDays: 3, now: Self.start + 4 * Self.day, targetBranches: ["main"])
        _ = try store.prune(keepDays: 1, now: Self.start + 4 * Self.day, targetBranches: ["main"])
        let expected = RollupTotals(builds: 4, runs: 8, failures: 4, flakyFailures: 4, failedBuilds: 0)
        #expect(try store.allRollupTotals()["t::flaky"] == expected, "two prunes add up, like the days they rolled up")
        #expect(try store.rollupTotals(tests: ["t::flaky"])["t::flaky"] == expected)
        #expect(try store.allRollupTotals(branchClass: .side)["t::pr"]?.failedBuilds == 4)
        #expect(try store.allRollupTotals()["t::pr"] == nil)
    }

    @Test func keepDaysBelowOneIsRefused() throws {
        let store = try Store(path: directory + "/fleet.db")
        let error = try #require(throws: StoreError.self) { try store.prune(keepDays: 0, targetBranches: ["main"]) }
        #expect(error.isUserError)
    }
}
