import Foundation
import Model
import Store
import Testing
@testable import Analyzer

/// Pull-request builds beside main builds: a PR's break is that PR's, never flakiness and never
/// a break of main; same-commit evidence on any branch still counts.
@Suite struct BranchHistoryTests {
    /// A main history of `count` builds in which `suite::hot` always passes, twenty stable tests
    /// beside it.
    static func mainBuilds(_ builder: inout AttemptHistory.Builder, from: Int, count: Int) {
        for build in from..<(from + count) {
            let index = builder.build(id: "main-\(build)", commit: "m\(build)")
            AnalyzerHistoryTests.addStable(&builder, build: index)
            builder.attempt("suite::hot", build: index, attempt: 1, outcome: .passed)
        }
    }

    /// A PR build in which `suite::hot` fails all three attempts.
    static func prBreak(_ builder: inout AttemptHistory.Builder, pr: Int, push: Int) {
        let index = builder.build(id: "pr\(pr)-\(push)", commit: "p\(pr)-\(push)", branch: "pr/\(pr)", base: "m0")
        AnalyzerHistoryTests.addStable(&builder, build: index)
        for attempt in 1...3 {
            builder.attempt("suite::hot", build: index, attempt: attempt, outcome: .failed, worker: "w\(attempt)")
        }
    }

    /// A test flaking on PR builds (a failure, then a pass on the same commit) that then fails
    /// every attempt of one main build: its PR record says ~50 %, so three failures on main are
    /// ordinary flakiness, not a break of main (branch-gate-eval seed 4 had it blocking main).
    @Test func sameCommitFlakinessOnPRsIsWhatAFailureOnMainIsWeighedAgainst() throws {
        var builder = AttemptHistory.Builder()
        Self.mainBuilds(&builder, from: 0, count: 5)
        for pr in 1...3 {
            let index = builder.build(id: "pr\(pr)-1", commit: "p\(pr)-1", branch: "pr/\(pr)", base: "m0")
            AnalyzerHistoryTests.addStable(&builder, build: index)
            builder.attempt("suite::hot", build: index, attempt: 1, outcome: .failed, worker: "w1")
            builder.attempt("suite::hot", build: index, attempt: 2, outcome: .passed, worker: "w2")
        }
        let index = builder.build(id: "main-5", commit: "m5")
        AnalyzerHistoryTests.addStable(&builder, build: index)
        for attempt in 1...3 {
            builder.attempt("suite::hot", build: index, attempt: attempt, outcome: .failed, worker: "w\(attempt)")
        }
        let hot = try #require(FlakyAnalyzer.analyze(builder.history).tests.first { $0.name == "suite::hot" })
        #expect(hot.state != .broken)
        #expect(hot.latestBreak == nil)
        #expect(hot.flakyFailures == 6)
    }

    @Test func prBreaksAreNeitherFlakyNorBrokenOnMainNorQuarantined() throws {
        var builder = AttemptHistory.Builder()
        Self.mainBuilds(&builder, from: 0, count: 5)
        // Three PRs break the hot test and fix it before merging; main keeps passing between.
        for pr in 1...3 {
            Self.prBreak(&builder, pr: pr, push: 1)
            Self.mainBuilds(&builder, from: pr * 10, count: 2)
        }
        let analysis = FlakyAnalyzer.analyze(builder.history)
        let hot = try #require(analysis.tests.first { $0.name == "suite::hot" })
        #expect(hot.state == .stable)
        #expect(hot.quarantine == nil)
        #expect(hot.flakyFailures == 0)
        #expect(hot.evidence.flips == 0)
        #expect(hot.latestBreak == nil)
        // A PR's break lasts until that PR passes again; main passing says nothing about it.
        #expect(hot.branchBreak == BranchBreak(branch: "pr/3", sinceCommit: "p3-1", builds: 1))
        let json = FlakyReport.json(analysis)
        #expect(json.contains("\"branch\": \"pr/3\""))
        #expect(json.contains("\"state\": \"broken\""))
        #expect(!json.contains("\"state\": \"flaky\""))
    }

    @Test func aPRThatPassesAgainEndsItsBreakAndSameCommitEvidenceStillCounts() throws {
        var builder = AttemptHistory.Builder()
        Self.mainBuilds(&builder, from: 0, count: 3)
        Self.prBreak(&builder, pr: 1, push: 1)
        // The PR's next push passes the hot test; a retry pass on a PR commit is flaky evidence.
        let index = builder.build(id: "pr1-2", commit: "p1-2", branch: "pr/1", base: "m0")
        AnalyzerHistoryTests.addStable(&builder, build: index)
        builder.attempt("suite::hot", build: index, attempt: 1, outcome: .failed, worker: "w1")
        builder.attempt("suite::hot", build: index, attempt: 2, outcome: .passed, worker: "w2")
        let analysis = FlakyAnalyzer.analyze(builder.history)
        let hot = try #require(analysis.tests.first { $0.name == "suite::hot" })
        #expect(hot.branchBreak == nil)
        #expect(hot.flakyFailures == 1)
        #expect(hot.evidence.passedOnRetry == 1)
        #expect(hot.latestBreak == nil)
    }

    @Test func aBreakOnMainIsStillABreakWithItsCulprit() throws {
        var builder = AttemptHistory.Builder()
        Self.mainBuilds(&builder, from: 0, count: 4)
        Self.prBreak(&builder, pr: 1, push: 1)
        for build in 4..<7 {
            let index = builder.build(id: "main-\(build)", commit: "m\(build)")
            AnalyzerHistoryTests.addStable(&builder, build: index)
            for attempt in 1...3 {
                builder.attempt("suite::hot", build: index, attempt: attempt, outcome: .failed, worker: "w\(attempt)")
            }
        }
        let analysis = FlakyAnalyzer.analyze(builder.history)
        let hot = try #require(analysis.tests.first { $0.name == "suite::hot" })
        #expect(hot.state == .broken)
        #expect(hot.sinceCommit == "m4")
        #expect(hot.latestBreak?.lastPassingCommit == "m3")
    }

    /// Commit order from the target branch's own builds: a PR that ran a commit first (it was
    /// merged by fast-forward later) does not place it before main's older commits.
    @Test func commitOrderFollowsMainsBuildsNotFirstSightAcrossBranches() throws {
        let builds = [
            StoredHistory.Build(seq: 1, id: "m1", commit: "c1", branch: "main", base: nil, verdict: .pass, simulated: false),
            StoredHistory.Build(seq: 2, id: "pr", commit: "c3", branch: "pr/7", base: "c1", verdict: .pass, simulated: false),
            StoredHistory.Build(seq: 3, id: "m2", commit: "c2", branch: "main", base: nil, verdict: .pass, simulated: false),
            StoredHistory.Build(seq: 4, id: "m3", commit: "c3", branch: "main", base: nil, verdict: .fail, simulated: false),
            StoredHistory.Build(seq: 5, id: "pr2", commit: "c9", branch: "pr/8", base: "c2", verdict: .pass, simulated: false),
        ]
        let history = AttemptHistory(stored: StoredHistory(builds: builds))
        #expect(history.commitSHAs == ["c1", "c2", "c3", "c9"])
        #expect(CommitOrder.latestGreen(history.builds, branch: "main")?.sha == "c2")
    }

    /// Git positions order main's commits whatever order their builds came in; a build without
    /// one (its repository was not at hand) stays after the newest positioned commit seen before it.
    @Test func commitOrderFollowsGitPositionsWhereBuildsCarryThem() throws {
        func build(_ seq: Int64, _ commit: String, _ position: Int64?, _ verdict: Verdict.Decision) -> StoredHistory.Build {
            var build = StoredHistory.Build(seq: seq, id: "b\(seq)", commit: commit, branch: "main", base: nil, verdict: verdict,
                                            simulated: false)
            build.commitPosition = position
            return build
        }
        let builds = [build(1, "c1", 1, .pass), build(2, "c3", 3, .fail), build(3, "c2", 2, .pass), build(4, "x", nil, .fail),
                      build(5, "c4", 4, .fail)]
        let history = AttemptHistory(stored: StoredHistory(builds: builds))
        #expect(history.commitSHAs == ["c1", "c2", "c3", "x", "c4"])
        #expect(CommitOrder.latestGreen(history.builds, branch: "main")?.sha == "c2")
    }
}
