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

    @Test func keepDaysBelowOneIsRefused() throws {
        let store = try Store(path: directory + "/fleet.db")
        let error = try #require(throws: StoreError.self) { try store.prune(keepDays: 0, targetBranches: ["main"]) }
        #expect(error.isUserError)
    }
}
