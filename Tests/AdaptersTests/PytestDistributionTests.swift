import Foundation
import Model
import Testing
@testable import Adapters

/// A suite whose addopts ask pytest-xdist for workers (Tests/Fixtures/pytest-xdist-addopts, on a
/// real pytest and pytest-xdist): testfleet's warm session and its fork server's child run their
/// grants themselves, with no xdist session (and its worker processes) beside them.
@Suite(.serialized) struct PytestDistributionTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/pytest-xdist-addopts").path
    static let ids = ["tests/test_undistributed.py::test_runs_in_this_process_undistributed", "tests/test_undistributed.py::test_second"]

    let scratch: TemporaryDirectory

    init() throws { scratch = try TemporaryDirectory() }

    var suite: SuiteDefinition {
        SuiteDefinition(name: "xdist", adapter: .pytest, directory: Self.fixture, command: "python3 -m pytest", timeout: 60,
                        environment: PytestWarmTests.environment)
    }

    func outcomes(_ run: ((AdapterResult) -> Void) -> Void) -> [String: String] {
        var results: [String: String] = [:]
        run { results[$0.name] = "\($0.outcome) " + String(decoding: $0.output, as: UTF8.self).suffix(400) }
        return results
    }

    @Test func aWarmSessionAndAForkedChildDoNotDistribute() throws {
        let log = LogLines()
        let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { log.append($0) }
        defer { sessions.shutdown() }
        let warm = outcomes { PytestAdapter(cacheRoot: scratch.path).runWarm(Self.ids, of: suite, key: "k", sessions: sessions, report: $0) }
        #expect(warm.count == 2 && warm.values.allSatisfy { $0.hasPrefix("passed") }, "\(warm) \(log.lines)")

        let servers = PytestForkServers(cacheDirectory: scratch.path) { log.append($0) }
        defer { servers.shutdown() }
        let forked = outcomes {
            PytestAdapter(cacheRoot: scratch.path).runForked(Self.ids, of: suite, attempt: 2, key: "k", servers: servers, report: $0)
        }
        #expect(forked.count == 2 && forked.values.allSatisfy { $0.hasPrefix("passed") }, "\(forked) \(log.lines)")
    }
}
