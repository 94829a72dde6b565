import Foundation
import Testing
import Model
@testable import Store

/// `Store.processWork`: the newest build against the earlier one whose first attempts ran in the
/// most different number of processes, over the tests both ran.
@Suite struct StoreProcessWorkTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-pwork-\(UUID().uuidString)").path

    /// Records a finished build whose tests ran `(test, seconds, process)`.
    func build(_ store: Store, _ id: String, _ runs: [(String, Double, Int64)], retry: String? = nil) throws {
        try store.createBuild(BuildSpec(id: id, suite: "py", maxAttempts: 3), testCount: runs.count)
        var results = runs.enumerated().map { index, run in
            TestResult(test: run.0, attempt: 1, outcome: .passed, duration: run.1, worker: "w", arch: .x86_64,
                       place: RunPlace(process: run.2, position: index))
        }
        if let retry {  // a later attempt in a process of its own counts for nothing
            results.append(TestResult(test: retry, attempt: 2, outcome: .passed, duration: 50, worker: "w", arch: .x86_64,
                                      place: RunPlace(process: 999, position: 0)))
        }
        try store.recordResults(build: id, results)
        try store.finishBuild(id, verdict: .pass)
    }

    @Test func theNewestBuildIsComparedWithTheEarlierOneOfMostDifferentProcesses() throws {
        let store = try Store(path: directory + "/w.db")
        #expect(try store.processWork(suite: "py") == nil, "no builds")
        try build(store, "in-order", [("a", 10, 1), ("b", 0.5, 1), ("c", 0.5, 2), ("d", 1, 2)])
        #expect(try store.processWork(suite: "py") == nil, "one build: nothing to compare")
        try build(store, "moved", [("a", 10, 3), ("b", 6, 4), ("c", 6.5, 5), ("d", 7, 6), ("gone", 1, 6)], retry: "b")
        try build(store, "same", [("a", 10, 7), ("b", 0.5, 7), ("c", 0.5, 8), ("d", 1, 8)])
        let pair = try #require(try store.processWork(suite: "py"))
        // "same" ran in as many processes as "in-order": "moved" is the one to compare with; the
        // test only "moved" ran is left out, and so is its retry.
        #expect(pair.latest == ProcessWork(tests: 4, seconds: 12, processes: 2))
        #expect(pair.earlier == ProcessWork(tests: 4, seconds: 29.5, processes: 4))
    }

    @Test func buildsThatRanInAsManyProcessesGiveNothing() throws {
        let store = try Store(path: directory + "/s.db")
        try build(store, "one", [("a", 1, 1), ("b", 1, 2)])
        try build(store, "two", [("a", 3, 3), ("b", 1, 4)])
        #expect(try store.processWork(suite: "py") == nil)
    }

    /// What a process paid for its session fixtures: stored with its place, summed per process,
    /// the median of the processes that paid any; counted in a build's work too.
    @Test func aProcessesSessionSetUpIsStoredAndItsMedianIsWhatAProcessCosts() throws {
        let store = try Store(path: directory + "/u.db")
        #expect(try store.processSetupSeconds(suite: "py") == 0, "no build")
        func result(_ test: String, process: Int64, setup: Double) -> TestResult {
            TestResult(test: test, attempt: 1, outcome: .passed, duration: 0.1, worker: "w", arch: .x86_64,
                       place: RunPlace(process: process, position: 0), sharedSetup: setup)
        }
        try store.createBuild(BuildSpec(id: "one", suite: "py"), testCount: 5)
        try store.recordResults(build: "one", [
            result("a", process: 1, setup: 2), result("b", process: 1, setup: 0.5),  // 2.5 s in process 1
            result("c", process: 2, setup: 1.5), result("d", process: 3, setup: 3),
            result("e", process: 4, setup: 0),  // paid nothing: not counted
        ])
        #expect(try store.processSetupSeconds(suite: "py") == 0, "not finished yet")
        try store.finishBuild("one", verdict: .pass)
        #expect(try store.processSetupSeconds(suite: "py") == 2.5)
        try store.createBuild(BuildSpec(id: "two", suite: "py"), testCount: 5)
        try store.recordResults(build: "two", ["a", "b", "c", "d", "e"].map { result($0, process: 9, setup: 0) })
        try store.finishBuild("two", verdict: .pass)
        let pair = try #require(try store.processWork(suite: "py"))
        #expect(pair.latest == ProcessWork(tests: 5, seconds: 0.5, processes: 1))
        #expect(abs(pair.earlier.seconds - 7.5) < 1e-9 && pair.earlier.processes == 4, "\(pair.earlier)")
    }
}
