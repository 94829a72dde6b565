import Foundation
import Model
import Testing
@testable import Adapters

/// A suite that turns pytest's warnings plugin off beside `filterwarnings = error`
/// (Tests/Fixtures/pytest-warnings-off, real pytest): a warm session applies no filter around its
/// collection either, as a plain run applies none, so a warning at import is no error.
struct PytestWarningsOffTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/pytest-warnings-off").path

    @Test func aModuleThatWarnsAtImportCollectsAsInAPlainRun() throws {
        let scratch = try TemporaryDirectory()
        let suite = SuiteDefinition(name: "warnings-off", adapter: .pytest, directory: Self.fixture, command: "python3 -m pytest",
                                    timeout: 60, environment: PytestWarmTests.environment)
        let log = LogLines()
        let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { log.append($0) }
        defer { sessions.shutdown() }
        var results: [AdapterResult] = []
        PytestAdapter(cacheRoot: scratch.path).runWarm(["tests/test_unknown_mark.py::test_marked"], of: suite, key: "k",
                                                       sessions: sessions) { results.append($0) }
        #expect(results.map(\.outcome) == [.passed], "\(results.map { String(decoding: $0.output, as: UTF8.self).suffix(600) }) \(log.lines)")
    }
}
