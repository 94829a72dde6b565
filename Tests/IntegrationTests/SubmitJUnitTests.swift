import Foundation
import Testing
import JUnit
import Model
import Store

/// `submit --junit FILE`: the CI client has no store; the coordinator renders the build's JUnit
/// XML from its own and sends it after the verdict.
@Suite(.serialized) struct SubmitJUnitTests {
    let directory = Testfleet.temporaryDirectory()

    @Test func submitWritesTheCoordinatorsJUnitForTheBuild() throws {
        let endpoint = "ipc://\(directory)/c.sock"
        let coordinator = try Testfleet.start(["coordinator", "--bind", endpoint, "--db", "d.db"], in: directory)
        let worker = try Testfleet.start(["worker", "--connect", endpoint, "--id", "junit-w"], in: directory)
        defer {
            worker.signal(SIGKILL)
            coordinator.signal(SIGKILL)
        }
        let client = try Testfleet.run(["submit", "--coordinator", endpoint, "--suite", "sim:300,fail=0.02,flaky=0.1,seed=3,ms=0",
                                        "--build", "sj", "--junit", "sj.xml", "--quiet"], in: directory, timeout: 120)
        #expect(client.code == 1, "the seeded failures fail the gate: \(client.stderr)")
        let cases = try JUnitParser.parse(contentsOf: directory + "/sj.xml")
        let stored = try Store(path: directory + "/d.db").results(build: "sj")
        #expect(cases.count == 300)
        var byTest: [String: [Outcome]] = [:]
        for result in stored { byTest[result.test, default: []].append(result.outcome) }  // ordered by attempt
        // Every attempt is in the file, but one pass per test: a test that passed on retry ends
        // with a pass (its confirmation runs go out together, so one can fail after it, or pass too).
        let expected = byTest.mapValues { outcomes in
            outcomes.contains(where: \.isFailure) && outcomes.contains(.passed)
                ? outcomes.filter { $0 != .passed } + [.passed] : outcomes
        }
        #expect(cases.reduce(0) { $0 + $1.attempts } == expected.values.reduce(0) { $0 + $1.count })
        #expect(cases.allSatisfy { expected[$0.name]?.last == $0.outcome })
        #expect(cases.contains { $0.outcome == .failed } && cases.contains { !$0.earlierAttempts.isEmpty && $0.outcome == .passed })

        // Submitting the finished build again only fetches its verdict and XML.
        let again = try Testfleet.run(["submit", "--coordinator", endpoint, "--suite", "sim:300,fail=0.02,flaky=0.1,seed=3,ms=0",
                                       "--build", "sj", "--junit", "again.xml", "--quiet"], in: directory, timeout: 60)
        #expect(again.code == 1, "\(again.stderr)")
        #expect(try JUnitParser.parse(contentsOf: directory + "/again.xml").count == 300)
    }
}
