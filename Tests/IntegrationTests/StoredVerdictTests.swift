import Foundation
import Store
import Testing

/// A build's stored verdict is the gate's, whoever made the build: `ingest junit` included, with
/// quarantine. So `latest-green` (which trusts stored verdicts) agrees with `gate --build`.
/// Real binary, real SQLite file.
@Suite(.serialized) struct StoredVerdictTests {
    let directory = Testfleet.temporaryDirectory()

    func testfleet(_ arguments: [String]) throws -> Testfleet.Finished {
        try Testfleet.run(arguments + ["--db", "d.db"], in: directory)
    }

    /// A JUnit file of suite `s`: each test passes, fails, or fails once and passes on its
    /// Surefire rerun (`flaky`).
    func junit(_ name: String, _ tests: [(String, String)]) throws -> String {
        let cases = tests.map { test, outcome in
            switch outcome {
            case "fail": "<testcase classname=\"s\" name=\"\(test)\" time=\"0.01\"><failure message=\"boom\">boom</failure></testcase>"
            case "flaky": "<testcase classname=\"s\" name=\"\(test)\" time=\"0.01\"><flakyFailure message=\"once\"/></testcase>"
            default: "<testcase classname=\"s\" name=\"\(test)\" time=\"0.01\"/>"
            }
        }
        let path = directory + "/" + name + ".xml"
        try "<testsuite name=\"s\">\(cases.joined())</testsuite>".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Ingests one build on a branch of its own (named like the build), so `latest-green` on
    /// that branch speaks about this build alone.
    func ingest(_ build: String, _ tests: [(String, String)]) throws -> Testfleet.Finished {
        try testfleet(["ingest", "junit", try junit(build, tests), "--commit", "c-\(build)", "--branch", build, "--build", build])
    }

    @Test func anIngestedBuildWhoseOnlyFailureIsQuarantinedPasses() throws {
        #expect(try testfleet(["quarantine", "add", "s::known", "--reason", "tracked elsewhere"]).code == 0)
        let ingested = try ingest("q1", [("ok", "pass"), ("known", "fail")])
        #expect(ingested.code == 0, "\(ingested.stderr)")
        #expect(ingested.stdout.contains("build verdict now PASS"), "\(ingested.stdout)")
        #expect(try Store(path: directory + "/d.db").build("q1")?.verdict == "pass")
        #expect(try testfleet(["gate", "--build", "q1"]).code == 0)
        let green = try testfleet(["latest-green", "--branch", "q1"])
        #expect(green.code == 0, "\(green.stderr)")
        #expect(green.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "c-q1")
    }

    @Test func latestGreenAgreesWithTheGateForEveryBuildOfAMixedHistory() throws {
        #expect(try testfleet(["quarantine", "add", "s::known", "--reason", "tracked elsewhere"]).code == 0)
        var expected: [String: Int32] = [:]
        #expect(try ingest("h1", [("ok", "pass"), ("known", "pass"), ("broken", "pass")]).code == 0)
        expected["h1"] = 0
        #expect(try ingest("h2", [("ok", "pass"), ("known", "fail"), ("broken", "pass")]).code == 0)
        expected["h2"] = 0  // only a quarantined test failed
        #expect(try ingest("h3", [("ok", "pass"), ("known", "pass"), ("broken", "fail")]).code == 0)
        expected["h3"] = 1  // a test that failed its only attempt blocks
        #expect(try ingest("h4", [("ok", "flaky"), ("known", "pass"), ("broken", "fail")]).code == 0)
        expected["h4"] = 1
        #expect(try ingest("h5", [("ok", "flaky"), ("known", "fail")]).code == 0)
        expected["h5"] = 0  // passed on retry, and a quarantined failure
        // Builds the fleet ran, finished by the same lifecycle.
        let passing = try testfleet(["run", "--local", "1", "--suite", "sim:5", "--build", "r1", "--branch", "r1",
                                     "--commit", "c-r1", "--quiet"])
        #expect(passing.code == 0, "\(passing.stderr)")
        expected["r1"] = 0
        let failing = try testfleet(["run", "--local", "1", "--suite", "sim:5,fail=1", "--build", "r2", "--branch", "r2",
                                     "--commit", "c-r2", "--retries", "0", "--quiet"])
        #expect(failing.code == 1, "\(failing.stderr)")
        expected["r2"] = 1

        for (build, code) in expected.sorted(by: { $0.key < $1.key }) {
            let gate = try testfleet(["gate", "--build", build])
            let green = try testfleet(["latest-green", "--branch", build])
            #expect(gate.code == code, "gate --build \(build): \(gate.stdout)")
            #expect(green.code == gate.code, "latest-green --branch \(build) says \(green.code), gate says \(gate.code)")
        }
    }
}
