import Foundation
import Model
import Store
import Testing

/// `testfleet run --local 1` (real coordinator, real worker process, a warm pytest session) on
/// Tests/Fixtures/pytest-collection-order, a suite that passes only in the order pytest collects
/// it: its biggest module unloads the "plugins" the first module's tests need. Build after build
/// (the first without history, the later ones with it), every test passes at its first attempt:
/// the worker's process runs them in collection order, not biggest module first.
@Suite(.serialized) struct CollectionOrderRunTests {
    let directory = Testfleet.temporaryDirectory()

    @Test func aSuiteThatDependsOnItsCollectionOrderPassesWithoutRetries() throws {
        try Testfleet.writePytestSuite(directory + "/testfleet.toml", name: "ordered", fixture: "pytest-collection-order")
        for build in 1...3 {
            let run = try Testfleet.run(["run", "--local", "1", "--retries", "1", "--confirm-runs", "0", "--suite", "testfleet.toml",
                                         "--db", "d.db", "--build", "c\(build)", "--quiet"], in: directory, timeout: 600,
                                        environment: ["TESTFLEET_WARM": "1", "TESTFLEET_CACHE": directory + "/cache"])
            #expect(run.code == 0, "build c\(build): \(run.stderr)")
            let results = try Store(path: directory + "/d.db").results(build: "c\(build)")
            #expect(results.count == 13, "build c\(build): \(results.map(\.test))")
            let retried = results.filter { $0.attempt > 1 || $0.outcome != .passed }.map { "\($0.test) #\($0.attempt) \($0.outcome)" }
            #expect(retried.isEmpty, "build c\(build): every test passes at its first attempt: \(retried)")
        }
    }
}
