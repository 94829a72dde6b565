import Foundation
import Model
import Testing
@testable import Adapters

/// Under `--import-mode importlib` pytest puts a test module in `sys.modules` before running it
/// and leaves it there when it raises: a warm session that imported the build's test modules
/// first found such a module "imported" when a grant collected it, passed it with no items, and
/// sent it cold (a pytest start-up) in every build. It is an error from the session's own
/// collection report now, in the one warm process.
@Suite struct PytestImportlibModeTests {
    let scratch: TemporaryDirectory
    var starts: String { scratch.path + "/starts" }

    init() throws { scratch = try TemporaryDirectory() }

    @Test func aModuleThatCannotBeImportedIsAnErrorOfTheWarmSessionNotACollectedNothing() throws {
        var environment = PytestWarmTests.environment
        environment["PYTEST_ADDOPTS"] = "--import-mode importlib"
        let command = "sh -c 'echo start >> \"\(starts)\"; exec python3 -m pytest \"$@\"' pytest"
        let suite = SuiteDefinition(name: "warm", adapter: .pytest, directory: PytestWarmTests.outcomesFixture, command: command,
                                    timeout: 60, environment: environment)
        let log = LogLines()
        let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { log.append($0) }
        defer { sessions.shutdown() }
        let ids = ["tests/test_collection_error.py", "tests/test_outcomes.py::test_fails"]
        var results: [String: AdapterResult] = [:]
        // The build's test modules are imported first (`Assign.modules`), as a plain run does.
        PytestAdapter().runWarm(ids, of: suite, key: "k", sessions: sessions,
                                modules: ["tests/test_collection_error.py", "tests/test_outcomes.py"]) { results[$0.name] = $0 }
        let error = try #require(results[ids[0]])
        #expect(error.outcome == .error)
        #expect(String(decoding: error.output, as: UTF8.self).contains("Error"), "\(String(decoding: error.output, as: UTF8.self))")
        #expect(results[ids[1]]?.outcome == .failed)
        let processes = ((try? String(contentsOfFile: starts, encoding: .utf8)) ?? "").split(separator: "\n").count
        #expect(processes == 1, "answered by the warm process: \(log.lines)")
    }
}
