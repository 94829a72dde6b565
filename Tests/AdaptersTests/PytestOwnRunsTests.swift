import Foundation
import Model
import Testing
@testable import Adapters

/// A suite whose addopts ask pytest-xdist for workers and pytest-rerunfailures for reruns
/// (Tests/Fixtures/pytest-own-runs, on a real pytest with both plugins): testfleet's warm
/// session and its fork server's child run each granted test once, themselves, with no xdist
/// session (and its worker processes) beside them and no rerun hiding a failure.
@Suite(.serialized) struct PytestOwnRunsTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/pytest-own-runs").path
    static let undistributed = "tests/test_own_runs.py::test_runs_in_this_process_undistributed"
    static let failing = "tests/test_own_runs.py::test_fails_and_counts_its_runs"

    let scratch: TemporaryDirectory
    var runs: String { scratch.path + "/runs" }

    init() throws { scratch = try TemporaryDirectory() }

    var suite: SuiteDefinition {
        var environment = PytestWarmTests.environment
        environment["TESTFLEET_FIXTURE_RUNS"] = runs
        return SuiteDefinition(name: "own-runs", adapter: .pytest, directory: Self.fixture, command: "python3 -m pytest",
                               timeout: 60, environment: environment)
    }

    /// Each test's outcome, and how many times the failing one ran (its lines in `runs`).
    func outcomes(_ run: ((AdapterResult) -> Void) -> Void) -> (outcomes: [String: Outcome], failingRuns: Int) {
        try? FileManager.default.removeItem(atPath: runs)
        var results: [String: Outcome] = [:]
        run { results[$0.name] = $0.outcome }
        let lines = ((try? String(contentsOfFile: runs, encoding: .utf8)) ?? "").split(separator: "\n").count
        return (results, lines)
    }

    @Test func aWarmSessionAndAForkedChildRunEachTestOnceThemselves() throws {
        let log = LogLines()
        let expected: [String: Outcome] = [Self.undistributed: .passed, Self.failing: .failed]
        let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { log.append($0) }
        defer { sessions.shutdown() }
        let warm = outcomes {
            PytestAdapter(cacheRoot: scratch.path).runWarm([Self.undistributed, Self.failing], of: suite, key: "k", sessions: sessions,
                                                           report: $0)
        }
        #expect(warm.outcomes == expected, "\(warm) \(log.lines)")
        #expect(warm.failingRuns == 1, "the failing test ran \(warm.failingRuns) times in one attempt")

        let servers = PytestForkServers(cacheDirectory: scratch.path) { log.append($0) }
        defer { servers.shutdown() }
        let forked = outcomes {
            PytestAdapter(cacheRoot: scratch.path).runForked([Self.undistributed, Self.failing], of: suite, attempt: 2, key: "k",
                                                             servers: servers, report: $0)
        }
        #expect(forked.outcomes == expected, "\(forked) \(log.lines)")
        #expect(forked.failingRuns == 1, "the failing test ran \(forked.failingRuns) times in one attempt")
    }
}
