import Foundation
import Testing
import Model
@testable import Store

/// The analyser's loader and the quarantine tables, on a real SQLite file.
@Suite struct StoreHistoryTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-history-\(UUID().uuidString)").path

    func result(_ test: String, _ attempt: Int, _ outcome: Outcome, worker: String = "w1", arch: Arch = .x86_64) -> TestResult {
        TestResult(test: test, attempt: attempt, outcome: outcome, duration: 0.25, worker: worker, arch: arch)
    }

    /// Three builds created in the order z, a, m (so id order differs from creation order); the
    /// second lacks t::b and adds t::c; t::a is retried on another worker and arch.
    func makeStore() throws -> Store {
        let store = try Store(path: directory + "/fleet.db")
        try store.createBuild(BuildSpec(id: "z", suite: "s", commit: "c1", branch: "main"), testCount: 2)
        try store.recordResults(build: "z", [result("t::a", 1, .passed), result("t::b", 1, .passed)])
        try store.createBuild(BuildSpec(id: "a", suite: "s", commit: "c2", branch: "main"), testCount: 2)
        try store.recordResults(build: "a", [result("t::a", 1, .failed), result("t::a", 2, .passed, worker: "w2", arch: .aarch64),
                                             result("t::c", 1, .skipped)])
        try store.createBuild(BuildSpec(id: "m", suite: "s", commit: "c3", branch: "main"), testCount: 3)
        try store.recordResults(build: "m", [result("t::a", 1, .passed), result("t::b", 1, .error), result("t::c", 1, .passed)])
        return store
    }

    @Test func loadsEveryAttemptInternedWithBuildsInCreationOrder() throws {
        let store = try makeStore()
        let history = try store.loadHistory()
        #expect(history.builds.map(\.id) == ["z", "a", "m"])
        #expect(history.builds.map(\.commit) == ["c1", "c2", "c3"])
        #expect(Set(history.testNames) == ["t::a", "t::b", "t::c"])
        #expect(history.workerNames.sorted() == ["w1", "w2"])
        #expect(history.attempts.count == 8)
        // Each stored row comes back once, with the right build, test, worker, arch and outcome.
        let rows = history.attempts.map { attempt in
            "\(history.builds[Int(attempt.build)].id) \(history.testNames[Int(attempt.test)]) \(attempt.attempt) "
                + "\(attempt.outcome.rawValue) \(history.workerNames[Int(attempt.worker)]) \(attempt.arch.rawValue) \(attempt.duration)"
        }
        #expect(Set(rows) == [
            "z t::a 1 passed w1 x86_64 0.25", "z t::b 1 passed w1 x86_64 0.25",
            "a t::a 1 failed w1 x86_64 0.25", "a t::a 2 passed w2 aarch64 0.25", "a t::c 1 skipped w1 x86_64 0.25",
            "m t::a 1 passed w1 x86_64 0.25", "m t::b 1 error w1 x86_64 0.25", "m t::c 1 passed w1 x86_64 0.25",
        ])
    }

    @Test func loadsOnlyTheWantedTestsByLookupAndByScan() throws {
        let store = try makeStore()
        let history = try store.loadHistory(tests: ["t::b", "t::missing"])
        #expect(history.attempts.count == 2)
        #expect(history.attempts.allSatisfy { history.testNames[Int($0.test)] == "t::b" })
        #expect(history.attempts.map(\.outcome) == [.passed, .error])
        #expect(history.attempts.map { history.builds[Int($0.build)].id } == ["z", "m"])
        // The scan path (taken when lookups would be too many) keeps the same attempts.
        let scanned = try store.loadHistory(tests: ["t::b", "t::missing"], lookupLimit: 0)
        #expect(scanned.testNames == ["t::b"])
        // A scan reads in key order (build id, not creation order); the analyser orders by build itself.
        let inBuildOrder = scanned.attempts.sorted { $0.build < $1.build }
        #expect(inBuildOrder.map(\.outcome) == [.passed, .error])
        #expect(inBuildOrder.map { scanned.builds[Int($0.build)].id } == ["z", "m"])
    }

    @Test func aWindowLoadsOnlyTheNewestBuilds() throws {
        let store = try makeStore()
        // The newest two by creation (a, m), though "z" sorts last by id.
        let window = try store.loadHistory(lastBuilds: 2)
        #expect(window.builds.map(\.id) == ["a", "m"])
        #expect(window.attempts.count == 6)
        #expect(Set(window.attempts.map { window.builds[Int($0.build)].id }) == ["a", "m"])
        // Point lookups take the same window; a window as big as the store is the whole store.
        #expect(try store.loadHistory(tests: ["t::b"], lastBuilds: 2).attempts.map(\.outcome) == [.error])
        #expect(try store.loadHistory(lastBuilds: 3).attempts.count == 8)
    }

    @Test func manualQuarantineAndReleaseAreRecordedInOrder() throws {
        let store = try makeStore()
        try store.quarantine(test: "t::b", reason: "tracked in #1")
        #expect(try store.quarantined().map(\.test) == ["t::b"])
        #expect(try store.quarantined().first?.manual == true)
        #expect(try store.release(test: "t::b"))
        #expect(try store.release(test: "t::b") == false, "not quarantined any more")
        #expect(try store.quarantined().isEmpty)
        let events = try store.quarantineEvents()
        #expect(events.map(\.quarantined) == [true, false])
        let newest = try #require(try store.buildHistory().last?.seq)
        #expect(events.allSatisfy { $0.buildSeq == newest })
        #expect(throws: StoreError.self) { try store.quarantine(test: "", reason: "x") }
    }

    @Test func snapshotIsReplacedNotAppended() throws {
        let store = try makeStore()
        #expect(try store.snapshot() == nil)
        let first = AnalysisSnapshot(priorAlpha: 0.5, priorBeta: 50, ambientRate: 1e-4, regressionRate: 1e-3,
                                     flagThreshold: -1, nextFlagBar: 0.01, buildSeq: 3)
        try store.saveSnapshot(first)
        var second = first
        second.priorBeta = 80
        try store.saveSnapshot(second)
        #expect(try store.snapshot() == second)
    }
}
