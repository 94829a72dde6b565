import Foundation
import Model
import Store
import Testing

/// `testfleet ingest junit` of a real pytest JUnit file, then `testfleet gate --build --confirm`
/// on the real fixture (Tests/Fixtures/pytest-confirm): the gate reruns, where the code is, the
/// failures it cannot excuse; a flaky test that passes on a rerun no longer blocks, a broken one
/// fails every rerun and does.
@Suite(.serialized) struct GateConfirmTests {
    let directory = Testfleet.temporaryDirectory()
    let fixture = Testfleet.fixture("pytest-confirm")

    /// The suite file (the fixture, its counters in `state`) and a JUnit file from a real pytest
    /// run of `selection` whose counters start from zero.
    func prepare(_ name: String, selection: String) throws -> (suite: String, junit: String) {
        let state = directory + "/state-" + name
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let suite = directory + "/\(name).toml"
        try """
            [[suite]]
            name = "unit"
            adapter = "pytest"
            dir = "\(fixture)"
            timeout_s = 120
            env = { CONFIRM_STATE = "\(state)", FLAKY_FAILURES = "2", PYTHONDONTWRITEBYTECODE = "1", PYTEST_DISABLE_PLUGIN_AUTOLOAD = "1" }
            """.write(toFile: suite, atomically: true, encoding: .utf8)
        let junit = directory + "/\(name).xml"
        let pytest = Process()
        pytest.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        pytest.arguments = ["python3", "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml=" + junit, "-k", selection]
        pytest.currentDirectoryURL = URL(fileURLWithPath: fixture)
        pytest.environment = ProcessInfo.processInfo.environment.merging(
            ["CONFIRM_STATE": state, "FLAKY_FAILURES": "2", "PYTHONDONTWRITEBYTECODE": "1", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"]) { $1 }
        pytest.standardOutput = FileHandle.nullDevice
        try pytest.run()
        pytest.waitUntilExit()
        #expect(pytest.terminationStatus == 1, "pytest's own run has failures")
        return (suite, junit)
    }

    func outcomes(_ build: String) throws -> [String: [Outcome]] {
        var byTest: [String: [(Int, Outcome)]] = [:]
        for result in try Store(path: directory + "/d.db").results(build: build) {
            byTest[result.test, default: []].append((result.attempt, result.outcome))
        }
        return byTest.mapValues { $0.sorted { $0.0 < $1.0 }.map(\.1) }
    }

    func verdict(_ run: Testfleet.Finished) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)\(run.stderr)")
    }

    @Test func aFlakyFailureIsConfirmedAwayAndABrokenTestStillBlocks() throws {
        let (suite, junit) = try prepare("both", selection: "flaky or broken or ok")
        let ingest = try Testfleet.run(["ingest", "junit", junit, "--commit", "c1", "--branch", "main", "--build", "b1", "--db", "d.db"],
                                       in: directory)
        #expect(ingest.code == 0, "\(ingest.stderr)")
        let plain = try Testfleet.run(["gate", "--build", "b1", "--db", "d.db", "--json"], in: directory)
        #expect(plain.code == 1)
        #expect(Set(try verdict(plain)["blocking"] as? [String] ?? []) == ["tests.test_confirm::test_flaky", "tests.test_confirm::test_broken"])

        let confirmed = try Testfleet.run(["gate", "--build", "b1", "--db", "d.db", "--json", "--confirm", "--suite", suite],
                                          in: directory, timeout: 300)
        #expect(confirmed.code == 1, "the broken test still blocks: \(confirmed.stderr)")
        let answer = try verdict(confirmed)
        #expect(answer["blocking"] as? [String] == ["tests.test_confirm::test_broken"])
        #expect(answer["passed_on_retry"] as? [String] == ["tests.test_confirm::test_flaky"])
        #expect((answer["reasons"] as? [String] ?? []).contains { $0.hasPrefix("confirmation: reran 2 test(s)") })
        // pytest's run, then a rerun that failed and one that passed (the first pass ends it);
        // the broken test: pytest's run and eight failed reruns (the default), each its own
        // pytest process.
        let stored = try outcomes("b1")
        #expect(stored["tests.test_confirm::test_flaky"] == [.failed, .failed, .passed])
        #expect(stored["tests.test_confirm::test_broken"] == Array(repeating: .failed, count: 9))
        #expect(stored["tests.test_confirm::test_ok"] == [.passed])
        let build = try #require(try Store(path: directory + "/d.db").build("b1"))
        #expect(build.verdict == "fail")
        // The confirmation is stored: a later plain gate judges the same.
        let again = try Testfleet.run(["gate", "--build", "b1", "--db", "d.db", "--json"], in: directory)
        #expect(again.code == 1)
        let againBlocking = try verdict(again)["blocking"] as? [String]
        #expect(againBlocking == ["tests.test_confirm::test_broken"])
    }

    @Test func aBuildWhoseOnlyFailureIsFlakyPassesOnceConfirmed() throws {
        let (suite, junit) = try prepare("flaky", selection: "test_flaky or test_ok")
        let ingest = try Testfleet.run(["ingest", "junit", junit, "--commit", "c2", "--build", "b2", "--db", "d.db"], in: directory)
        #expect(ingest.code == 0, "\(ingest.stderr)")
        let confirmed = try Testfleet.run(["gate", "--build", "b2", "--db", "d.db", "--confirm", "--suite", suite],
                                          in: directory, timeout: 300)
        #expect(confirmed.code == 0, "the flaky test passed on its second rerun: \(confirmed.stdout)\(confirmed.stderr)")
        #expect(try outcomes("b2")["tests.test_confirm::test_flaky"] == [.failed, .failed, .passed])
        #expect(try Store(path: directory + "/d.db").build("b2")?.verdict == "pass")
    }

    @Test func confirmWithoutASuiteOrForAnUnknownBuildIsBadInput() throws {
        let noSuite = try Testfleet.run(["gate", "--build", "b", "--db", "d.db", "--confirm"], in: directory)
        #expect(noSuite.code == 2 && noSuite.stderr.contains("--suite"), "\(noSuite.stderr)")
        let unknown = try Testfleet.run(["gate", "--build", "nope", "--db", "d.db", "--confirm", "--suite", fixture + "/none.toml"],
                                        in: directory)
        #expect(unknown.code == 2 && unknown.stderr.contains("no build 'nope'"), "\(unknown.stderr)")
    }
}
