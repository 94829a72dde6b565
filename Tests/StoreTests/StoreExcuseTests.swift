import Foundation
import Testing
import Model
import Store

/// `Store.mayExcuseFailure`: whether the gate could still excuse a test failing every attempt
/// of a build (the coordinator drops the build's other confirmation runs when it cannot).
@Suite struct StoreExcuseTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-excuse-\(UUID().uuidString)").path

    func result(_ test: String, _ attempt: Int, _ outcome: Outcome) -> TestResult {
        TestResult(test: test, attempt: attempt, outcome: outcome, duration: 0.1, worker: "w1", arch: .x86_64)
    }

    /// b1: t::new absent, t::broken failed, t::flaky failed then passed, t::stable passed,
    /// t::skipped skipped. b2 (the build being judged): every one of them failed.
    func makeStore() throws -> Store {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try Store(path: directory + "/fleet.db")
        try store.createBuild(BuildSpec(id: "b1", suite: "s"), testCount: 4)
        try store.recordResults(build: "b1", [result("t::broken", 1, .failed), result("t::broken", 2, .error),
                                              result("t::flaky", 1, .failed), result("t::flaky", 2, .passed),
                                              result("t::stable", 1, .passed), result("t::skipped", 1, .skipped)])
        try store.createBuild(BuildSpec(id: "b2", suite: "s"), testCount: 5)
        try store.recordResults(build: "b2", ["t::new", "t::broken", "t::flaky", "t::stable", "t::skipped"].map { result($0, 1, .failed) })
        return store
    }

    @Test func aNewTestABrokenOneAndARegressionCannotBeExcused() throws {
        let store = try makeStore()
        #expect(try !store.mayExcuseFailure(of: "t::new", in: "b2"))
        #expect(try !store.mayExcuseFailure(of: "t::broken", in: "b2"), "it never passed")
        #expect(try !store.mayExcuseFailure(of: "t::stable", in: "b2"), "it never failed before")
        #expect(try !store.mayExcuseFailure(of: "t::skipped", in: "b2"), "it never failed before")
    }

    @Test func aTestThatFailedAndPassedBeforeMayBeExcused() throws {
        let store = try makeStore()
        #expect(try store.mayExcuseFailure(of: "t::flaky", in: "b2"))
        // Failures and passes in different builds count as well (a skip is not a failure).
        try store.createBuild(BuildSpec(id: "b0", suite: "s"), testCount: 1)
        try store.recordResults(build: "b0", [result("t::skipped", 1, .failed), result("t::skipped", 2, .failed)])
        #expect(try store.mayExcuseFailure(of: "t::skipped", in: "b2"))
    }

    @Test func aPassInTheJudgedBuildOrAQuarantineMayExcuseIt() throws {
        let store = try makeStore()
        // A late copy of an attempt, a pass: the gate counts it as a pass on retry.
        try store.recordResults(build: "b2", [result("t::broken", 2, .passed)])
        #expect(try store.mayExcuseFailure(of: "t::broken", in: "b2"))
        try store.quarantine(test: "t::new", reason: "known broken, ticket 42")
        #expect(try store.mayExcuseFailure(of: "t::new", in: "b2"))
        #expect(try !store.mayExcuseFailure(of: "t::stable", in: "b2"))
    }
}
