import Foundation
import Testing
import Model
@testable import Store

/// Where attempts ran (`result_place`): written with the results that carry a place, read back
/// by key and by process in run order, never written by `ingest junit`, deleted by `prune`.
@Suite struct StorePlacesTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-places-\(UUID().uuidString)").path

    @Test func placesRoundTripAndProcessesReadInRunOrder() throws {
        let store = try Store(path: directory + "/p.db")
        try store.createBuild(BuildSpec(id: "b", suite: "py", maxAttempts: 2), testCount: 3)
        let warm: Int64 = 0x1234_5678_9ABC, fresh: Int64 = Int64.max
        try store.recordResults(build: "b", [
            TestResult(test: "t::b", attempt: 1, outcome: .failed, duration: 0, worker: "w", arch: .x86_64,
                       place: RunPlace(process: warm, position: 1)),
            TestResult(test: "t::a", attempt: 1, outcome: .passed, duration: 0, worker: "w", arch: .x86_64,
                       place: RunPlace(process: warm, position: 0)),
            TestResult(test: "t::b", attempt: 2, outcome: .passed, duration: 0, worker: "w", arch: .x86_64,
                       place: RunPlace(process: fresh, position: 0)),
            TestResult(test: "t::unplaced", attempt: 1, outcome: .passed, duration: 0, worker: "w", arch: .x86_64),
        ])
        #expect(try store.hasPlaces())
        let keys = [AttemptKey(build: "b", test: "t::b", attempt: 1), AttemptKey(build: "b", test: "t::b", attempt: 2),
                    AttemptKey(build: "b", test: "t::unplaced", attempt: 1)]
        let places = try store.places(of: keys)
        #expect(places == [keys[0]: RunPlace(process: warm, position: 1), keys[1]: RunPlace(process: fresh, position: 0)])
        let runs = try store.processRuns([warm, fresh, 99])
        #expect(runs[warm]?.map(\.test) == ["t::a", "t::b"])
        #expect(runs[fresh]?.map(\.test) == ["t::b"])
        #expect(runs[99]?.isEmpty == true)
        // A duplicate attempt (a resent batch) keeps the first place.
        try store.recordResults(build: "b", [
            TestResult(test: "t::b", attempt: 1, outcome: .failed, duration: 0, worker: "w", arch: .x86_64,
                       place: RunPlace(process: 5, position: 9)),
        ])
        #expect(try store.places(of: [keys[0]])[keys[0]] == RunPlace(process: warm, position: 1))
    }

    @Test func ingestStoresNoPlacesAndPruneDeletesThem() throws {
        let store = try Store(path: directory + "/i.db")
        let day = 86_400.0, now = 100 * day
        _ = try store.ingest(build: BuildSpec(id: "junit", suite: "ci", maxAttempts: 1), testCases: [
            [TestResult(test: "c::t", attempt: 1, outcome: .passed, duration: 0, worker: "", arch: .x86_64)],
        ], createdAt: now - 30 * day)
        try store.finishBuild("junit", verdict: .pass)
        #expect(try !store.hasPlaces(), "JUnit has no process identity: ingest leaves result_place empty")

        try store.createBuild(BuildSpec(id: "old", suite: "py", maxAttempts: 1), testCount: 1)
        try store.recordResults(build: "old", [
            TestResult(test: "t::a", attempt: 1, outcome: .passed, duration: 0, worker: "w", arch: .x86_64,
                       place: RunPlace(process: 7, position: 0)),
        ])
        try store.finishBuild("old", verdict: .pass)
        try store.write { db in try db.execute(sql: "UPDATE build SET created_at = ? WHERE id = 'old'", arguments: [now - 30 * day]) }
        #expect(try store.hasPlaces())
        let report = try store.prune(keepDays: 7, now: now, targetBranches: ["main"])
        #expect(report.buildsDeleted == 2)
        #expect(try !store.hasPlaces())
    }
}
