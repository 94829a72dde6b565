import Foundation
import Model
import Store
import Testing
@testable import Analyzer

/// State changes for webhooks and the per-branch PR comment, over a real store.
@Suite struct StateAlertsTests {
    func store() throws -> Store {
        try Store(path: FileManager.default.temporaryDirectory.appendingPathComponent("tf-alerts-\(UUID().uuidString).db").path)
    }

    /// Ten passing tests ride along, so one failing test is not taken for an outage (≥ 30 %).
    func build(_ store: Store, _ id: String, commit: String, branch: String, _ given: [String: [Outcome]]) throws {
        var results = given
        for n in 0..<10 { results["t::filler\(n)"] = [.passed] }
        try store.createBuild(BuildSpec(id: id, suite: "unit", commit: commit, branch: branch, maxAttempts: 3), testCount: results.count)
        var rows: [TestResult] = []
        for (test, outcomes) in results {
            for (n, outcome) in outcomes.enumerated() {
                rows.append(TestResult(test: test, attempt: n + 1, outcome: outcome, duration: 1, worker: "w", arch: .x86_64))
            }
        }
        _ = try store.recordResults(build: id, rows)
        try store.finishBuild(id, verdict: results.values.contains { $0.last?.isFailure == true } ? .fail : .pass)
    }

    @Test func changesFollowAnnouncedStatesAndNameTheTransition() throws {
        let store = try store()
        for n in 1...5 { try build(store, "b\(n)", commit: "c\(n)", branch: "main", ["t::a": [.passed], "t::b": n >= 3 ? [.failed, .failed, .failed] : [.passed]]) }
        let analysis = try FlakyAnalyzer.analyze(store: store, saveSnapshot: false).analysis
        let first = StateAlerts.changes(analysis, announced: [:])
        #expect(first.map(\.test) == ["t::b"] && first.first?.kind == "broken" && first.first?.sinceCommit == "c3")
        #expect(StateAlerts.changes(analysis, announced: ["t::b": "broken"]).isEmpty, "announced already: nothing")
        let left = StateAlerts.changes(analysis, announced: ["t::a": "quarantined", "t::b": "broken"])
        #expect(left.map(\.kind) == ["unquarantined"] && left.first?.state == .stable)
        let json = StateAlerts.json(first[0], at: 12.5, delivery: "d-1")
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect(object?["event"] as? String == "broken" && object?["previous_state"] is NSNull && object?["at"] as? Double == 12.5
                && object?["delivery"] as? String == "d-1")
    }

    @Test func analysingWithoutSavingLeavesTheSnapshotAlone() throws {
        let store = try store()
        try build(store, "b1", commit: "c1", branch: "main", ["t::a": [.passed]])
        _ = try FlakyAnalyzer.analyze(store: store, saveSnapshot: false)
        #expect(try store.snapshot() == nil)
        _ = try FlakyAnalyzer.analyze(store: store)
        #expect(try store.snapshot() != nil)
    }

    @Test func aBranchCommentSeparatesItsOwnBreakFromKnownBreaks() throws {
        let store = try store()
        for n in 1...4 {
            try build(store, "m\(n)", commit: "c\(n)", branch: "main",
                      ["t::a": [.passed], "t::old": n >= 2 ? [.failed, .failed, .failed] : [.passed], "t::mine": [.passed]])
        }
        for n in 1...2 {
            try build(store, "p\(n)", commit: "p\(n)", branch: "pr/7",
                      ["t::a": [.passed], "t::old": [.failed, .failed, .failed], "t::mine": [.failed, .failed, .failed]])
        }
        let analysis = try FlakyAnalyzer.analyze(store: store, saveSnapshot: false).analysis
        let comment = MarkdownReport.render(analysis, branch: "pr/7", failedOnBranch: try store.testsFailed(onBranch: "pr/7"))
        let own = comment.components(separatedBy: "**Failed here")[0]
        #expect(own.contains("Failing on this branch only") && own.contains("`t::mine`") && !own.contains("t::old"), "\(comment)")
        #expect(comment.contains("| `t::old` | broken |"), "\(comment)")
        #expect(!comment.contains("t::a") && !comment.contains("filler"))
        let quiet = MarkdownReport.render(analysis, branch: "main", failedOnBranch: [])
        #expect(quiet.contains("No test failed in this branch's newest build"))
    }
}
