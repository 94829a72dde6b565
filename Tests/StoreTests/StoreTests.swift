import Foundation
import Testing
import Model
@testable import Store

@Suite struct StoreTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-store-\(UUID().uuidString)").path

    func openStore() throws -> Store { try Store(path: directory + "/fleet.db") }

    func result(_ test: String, _ attempt: Int, _ outcome: Outcome, output: [UInt8] = []) -> TestResult {
        TestResult(test: test, attempt: attempt, outcome: outcome, duration: 0.5, worker: "w1", arch: .x86_64,
                   compressedOutput: output, outputSize: output.count * 3, outputDropped: 0)
    }

    @Test func resultsAreRecordedOncePerBuildTestAttempt() throws {
        let store = try openStore()
        try store.createBuild(BuildSpec(id: "b1", suite: "sim:3", maxAttempts: 2), testCount: 3)
        let first = [result("t::a", 1, .passed), result("t::b", 1, .failed, output: [1, 2, 3]), result("t::c", 1, .skipped)]
        #expect(try store.recordResults(build: "b1", first) == 3)
        // A late duplicate (the same attempt again) is dropped; a new attempt is kept.
        #expect(try store.recordResults(build: "b1", [result("t::b", 1, .passed), result("t::b", 2, .passed)]) == 1)
        let stored = try store.results(build: "b1")
        #expect(stored.map(\.test) == ["t::a", "t::b", "t::b", "t::c"])
        #expect(stored[1].outcome == .failed)
        #expect(stored[2].attempt == 2)
        let output = try #require(try store.output(build: "b1", test: "t::b", attempt: 1))
        #expect(output.lz4 == [1, 2, 3])
        #expect(output.size == 9)
    }

    @Test func theTestsFailingEveryAttemptOfASuitesLatestFinishedBuildAreListed() throws {
        let store = try openStore()
        #expect(try store.latestFinishedRunBuild(suite: "s.toml") == nil)
        for (id, suite) in [("old", "s.toml"), ("new", "s.toml"), ("other", "o.toml"), ("running", "s.toml")] {
            try store.createBuild(BuildSpec(id: id, suite: suite, maxAttempts: 2), testCount: 3)
        }
        _ = try store.recordResults(build: "old", [result("t::old", 1, .failed)])
        _ = try store.recordResults(build: "new", [result("t::a", 1, .failed), result("t::a", 2, .passed), result("t::b", 1, .error),
                                                   result("t::b", 2, .failed), result("t::c", 1, .passed), result("t::d", 1, .skipped),
                                                   result("t::e", 1, .failed)])
        _ = try store.recordResults(build: "other", [result("t::o", 1, .failed)])
        _ = try store.recordResults(build: "running", [result("t::r", 1, .failed)])
        for id in ["old", "new", "other"] { try store.finishBuild(id, verdict: .fail) }
        // The newest finished build of this suite file (not other suites, not running builds):
        // every attempt failed (t::a passed on its retry).
        let latest = try #require(try store.latestFinishedRunBuild(suite: "s.toml"))
        #expect(Set(try store.summary(build: latest).failures.map(\.test)) == ["t::b", "t::e"])
    }

    @Test func schemaConstraintsRejectNonsense() throws {
        let store = try openStore()
        // A result for a build that does not exist violates the foreign key.
        #expect(throws: StoreError.self) { try store.recordResults(build: "missing", [result("t::a", 1, .passed)]) }
        try store.createBuild(BuildSpec(id: "b1", suite: "sim:1"), testCount: 1)
        #expect(throws: StoreError.self) { try store.recordResults(build: "b1", [result("t::a", 0, .passed)]) }
        // Nothing from the rejected transaction was kept.
        #expect(try store.resultCount(build: "b1") == 0)
    }

    @Test func duplicateBuildIdIsAUserError() throws {
        let store = try openStore()
        try store.createBuild(BuildSpec(id: "b1", suite: "sim:1"), testCount: 1)
        do {
            try store.createBuild(BuildSpec(id: "b1", suite: "sim:1"), testCount: 1)
            Issue.record("expected an error")
        } catch {
            #expect(error.isUserError)
            #expect(error.description.contains("already exists"))
        }
    }

    @Test func buildsFinishAndUnfinishedOnesAreListed() throws {
        let store = try openStore()
        try store.createBuild(BuildSpec(id: "old", suite: "sim:1", commit: "c1", branch: "main"), testCount: 1)
        try store.createBuild(BuildSpec(id: "new", suite: "sim:1", commit: "c2", branch: "main"), testCount: 1)
        try store.finishBuild("old", verdict: .pass)
        #expect(try store.unfinishedBuilds().map(\.spec.id) == ["new"])
        let old = try #require(try store.build("old"))
        #expect(old.isFinished)
        #expect(old.verdict == "pass")
        #expect(old.spec.commit == "c1")
        // Reopening the same file migrates nothing twice and sees the same data.
        let again = try openStore()
        #expect(try again.allBuilds().map(\.spec.id) == ["old", "new"])
    }
}
