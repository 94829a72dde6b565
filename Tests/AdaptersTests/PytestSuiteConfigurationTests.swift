import Foundation
import Model
import Testing
@testable import Adapters

/// What a suite's own pytest configuration asks that testfleet's processes must follow or
/// override, on a real pytest with real plugins: each fixture's grant runs in a warm session or
/// in a fork server's child (`forked`), and each test gets the outcome a plain run gives it.
/// - Tests/Fixtures/pytest-own-runs: addopts ask pytest-xdist for workers and
///   pytest-rerunfailures for reruns; each granted test runs once, in the process itself.
/// - Tests/Fixtures/pytest-dependency: pytest-dependency's marks, granted without the tests they
///   name, which run first, unreported (in a cold batch too).
/// - Tests/Fixtures/pytest-warnings-off: `-p no:warnings` beside `filterwarnings = error`; a
///   warning at import is no error, as in a plain run.
/// - Tests/Fixtures/pytest-cache-options: the cache plugin's options in addopts (`--cache-clear`,
///   `--lf`, `--ff`, `--nf`, `--sw`) parse, choose and stop nothing; the `cache` fixture works.
/// - Tests/Fixtures/pytest-cache-blocked: the suite's command blocks that plugin, and it runs so.
/// - Tests/Fixtures/pytest-doctest-asserts: a doctest expecting an assert's message, in a module
///   a plain run does not rewrite.
@Suite(.serialized) struct PytestSuiteConfigurationTests {
    let scratch: TemporaryDirectory
    var runs: String { scratch.path + "/runs" }

    init() throws { scratch = try TemporaryDirectory() }

    func suite(_ fixture: String) -> SuiteDefinition {
        var environment = PytestWarmTests.environment
        environment["TESTFLEET_FIXTURE_RUNS"] = runs  // where pytest-own-runs' failing test counts its runs
        let command = fixture == "pytest-cache-blocked" ? "python3 -m pytest -p no:cacheprovider" : "python3 -m pytest"
        return SuiteDefinition(name: fixture, adapter: .pytest, directory: SwiftFixtureFiles.fixture(fixture),
                               command: command, timeout: 60, environment: environment)
    }

    /// Each test's outcome, `ids` run as one grant of `fixture` in a new warm session, or in a
    /// new fork server's child.
    func outcomes(_ ids: [String], of fixture: String, forked: Bool) -> [String: Outcome] {
        let log = LogLines()
        let adapter = PytestAdapter(cacheRoot: scratch.path)
        var results: [String: Outcome] = [:]
        if forked {
            let servers = PytestForkServers(cacheDirectory: scratch.path) { log.append($0) }
            defer { servers.shutdown() }
            adapter.runForked(ids, of: suite(fixture), attempt: 2, key: "k", servers: servers) { results[$0.name] = $0.outcome }
        } else {
            let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { log.append($0) }
            defer { sessions.shutdown() }
            adapter.runWarm(ids, of: suite(fixture), key: "k", sessions: sessions) { results[$0.name] = $0.outcome }
        }
        return results
    }

    /// Each test's outcome, `ids` run as one cold batch of `fixture` (a retry's, or a grant's
    /// with warm sessions off).
    func coldOutcomes(_ ids: [String], of fixture: String) -> [String: Outcome] {
        var results: [String: Outcome] = [:]
        PytestAdapter(cacheRoot: scratch.path).run(ids, of: suite(fixture), attempt: 2) { results[$0.name] = $0.outcome }
        return results
    }

    /// `fixture`'s node ids as the listing (`--collect-only`) finds them.
    func listing(of fixture: String) throws -> [String] {
        try PytestAdapter(cacheRoot: scratch.path).inventory(of: suite(fixture))
    }

    /// No xdist session (with its worker processes) beside the process, no rerun inside it.
    @Test(arguments: [false, true])
    func eachGrantedTestRunsOnceInTheProcessItself(forked: Bool) throws {
        let undistributed = "tests/test_own_runs.py::test_runs_in_this_process_undistributed"
        let failing = "tests/test_own_runs.py::test_fails_and_counts_its_runs"
        let outcomes = outcomes([undistributed, failing], of: "pytest-own-runs", forked: forked)
        #expect(outcomes == [undistributed: .passed, failing: .failed], "\(outcomes)")
        let ran = ((try? String(contentsOfFile: runs, encoding: .utf8)) ?? "").split(separator: "\n").count
        #expect(ran == 1, "the failing test ran \(ran) times in one attempt")
    }

    /// What a plain run gives each dependent test, and one whose dependency fails (skipped).
    static let dependentOutcomes: [String: Outcome] = [
        "tests/test_dependency.py::TestInClass::test_second": .passed, "tests/test_dependency.py::test_needs_both": .passed,
        "tests/test_dependency.py::test_needs_session": .passed, "tests/test_dependency.py::test_needs_broken": .skipped,
    ]

    @Test(arguments: [false, true])
    func dependenciesRunFirstUnreported(forked: Bool) throws {
        let outcomes = outcomes(Self.dependentOutcomes.keys.sorted(), of: "pytest-dependency", forked: forked)
        #expect(outcomes == Self.dependentOutcomes, "\(outcomes)")
    }

    /// The same in a cold batch.
    @Test func dependenciesRunFirstUnreportedInAColdBatch() throws {
        let outcomes = coldOutcomes(Self.dependentOutcomes.keys.sorted(), of: "pytest-dependency")
        #expect(outcomes == Self.dependentOutcomes, "\(outcomes)")
    }

    /// In file order: the failing test first, where `--sw` would stop the process.
    static let cacheOptionIDs = ["test_fails_genuinely", "test_runs_after_a_failure", "test_keeps_a_value_in_the_cache"]
        .map { "tests/test_cache_options.py::" + $0 }
    static let cacheOptionOutcomes = Dictionary(uniqueKeysWithValues: zip(cacheOptionIDs, [Outcome.failed, .passed, .passed]))
    var cacheInFixture: String { SwiftFixtureFiles.fixture("pytest-cache-options") + "/.pytest_cache" }

    @Test(arguments: [false, true])
    func theCachePluginsOptionsChooseNoTests(forked: Bool) throws {
        try? FileManager.default.removeItem(atPath: cacheInFixture)
        let outcomes = outcomes(Self.cacheOptionIDs, of: "pytest-cache-options", forked: forked)
        #expect(outcomes == Self.cacheOptionOutcomes, "\(outcomes)")
        #expect(!FileManager.default.fileExists(atPath: cacheInFixture))
    }

    /// The same in a listing and in a cold batch (a retry's, or any run with warm sessions off).
    @Test func theCachePluginsOptionsChooseNoTestsInAListingOrABatch() throws {
        try? FileManager.default.removeItem(atPath: cacheInFixture)
        #expect(try listing(of: "pytest-cache-options").sorted() == Self.cacheOptionIDs.sorted())
        let outcomes = coldOutcomes(Self.cacheOptionIDs, of: "pytest-cache-options")
        #expect(outcomes == Self.cacheOptionOutcomes, "\(outcomes)")
        #expect(!FileManager.default.fileExists(atPath: cacheInFixture))
    }

    /// A suite that blocks the cache plugin beside `filterwarnings = error` is given no setting
    /// of that plugin's (pytest would call it unknown, and that filter makes it an error).
    @Test func aSuiteThatBlocksTheCachePluginRunsAsItIs() throws {
        let id = "test_blocked.py::test_runs_with_the_cache_plugin_blocked"
        for forked in [false, true] {
            #expect(outcomes([id], of: "pytest-cache-blocked", forked: forked) == [id: .passed])
        }
        #expect(try listing(of: "pytest-cache-blocked") == [id])
        #expect(coldOutcomes([id], of: "pytest-cache-blocked") == [id: .passed])
    }

    /// A doctest that expects an assert's message gets the message a plain run gives it in a
    /// cold batch, which names the module on pytest's command line.
    @Test func aColdBatchRewritesTheAssertsAPlainRunRewrites() throws {
        let id = "checks.py::checks.positive"
        #expect(coldOutcomes([id], of: "pytest-doctest-asserts") == [id: .passed])
    }

    @Test func aModuleThatWarnsAtImportCollectsWithTheWarningsPluginOff() throws {
        let marked = "tests/test_unknown_mark.py::test_marked"
        #expect(outcomes([marked], of: "pytest-warnings-off", forked: false) == [marked: .passed])
    }
}
