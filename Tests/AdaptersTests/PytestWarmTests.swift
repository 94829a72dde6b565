import Foundation
import Model
import Testing
@testable import Adapters

/// Warm pytest sessions on a real pytest and the fixture project Tests/Fixtures/pytest-warm:
/// tests that crash their process or hang in it, and the process count that shows the session
/// stayed warm. Every process start goes through a wrapper that appends a line to a file.
@Suite(.serialized) struct PytestWarmTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/pytest-warm").path
    static let outcomesFixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/pytest").path
    static let environment = ["PYTHONDONTWRITEBYTECODE": "1", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"]

    let scratch: TemporaryDirectory
    var starts: String { scratch.path + "/starts" }

    init() throws { scratch = try TemporaryDirectory() }

    /// The suite, its command counting the pytest processes it starts.
    func suite(directory: String = fixture, timeout: Double = 60) -> SuiteDefinition {
        let command = "sh -c 'echo start >> \"\(starts)\"; exec python3 -m pytest \"$@\"' pytest"
        return SuiteDefinition(name: "warm", adapter: .pytest, directory: directory, command: command, timeout: timeout,
                               environment: Self.environment)
    }

    func processStarts() -> Int {
        ((try? String(contentsOfFile: starts, encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    /// Runs one grant warm and returns each test's result in the order reported.
    func runWarm(_ ids: [String], _ suite: SuiteDefinition, _ sessions: PytestWarmSessions) -> [String: AdapterResult] {
        var results: [String: AdapterResult] = [:]
        var reported = 0
        PytestAdapter().runWarm(ids, of: suite, key: "k", sessions: sessions) {
            reported += 1
            results[$0.name] = $0
        }
        #expect(reported == Set(ids).count, "one result per requested id")
        return results
    }

    func sessions(_ log: LogLines = LogLines()) -> PytestWarmSessions {
        PytestWarmSessions(cacheDirectory: scratch.path) { log.append($0) }
    }

    @Test func grantsReuseOneProcessWithEveryOutcomeLikeTheColdPath() throws {
        let suite = suite(directory: Self.outcomesFixture)
        let ids = try PytestAdapter().inventory(of: SuiteDefinition(
            name: "warm", adapter: .pytest, directory: Self.outcomesFixture, environment: Self.environment))
        let log = LogLines()
        let sessions = sessions(log)
        defer { sessions.shutdown() }
        try? FileManager.default.removeItem(atPath: starts)
        let first = runWarm(Array(ids.prefix(8)), suite, sessions)
        let second = runWarm(Array(ids.dropFirst(8)), suite, sessions)
        let warm = first.merging(second) { a, _ in a }

        var coldResults: [String: AdapterResult] = [:]
        PytestAdapter().run(ids, of: SuiteDefinition(name: "warm", adapter: .pytest, directory: Self.outcomesFixture,
                                                     environment: Self.environment), attempt: 1) { coldResults[$0.name] = $0 }
        for id in ids {
            #expect(warm[id]?.outcome == coldResults[id]?.outcome, "\(id): warm \(String(describing: warm[id]?.outcome)) vs cold")
        }
        // The module that fails to import is answered by the session from its collection report:
        // an error with pytest's traceback, as the cold run reports it, and no process of its own.
        let broken = try #require(warm["tests/test_collection_error.py"])
        #expect(broken.outcome == .error)
        #expect(String(decoding: broken.output, as: UTF8.self).contains("testfleet_module_that_does_not_exist"),
                "\(String(decoding: broken.output, as: UTF8.self))")
        #expect(processStarts() == 1, "one warm process for both grants, the broken module included")
        #expect(!log.lines.contains { $0.contains("running them cold") }, "\(log.lines)")
        let failed = try #require(warm["tests/test_outcomes.py::test_fails"])
        #expect(String(decoding: failed.output, as: UTF8.self).contains("arithmetic is broken"))

        // Places (for order dependence): both grants ran in one process, positions counting on
        // from the first grant into the second; the cold run (for comparison) was a process of its own.
        let warmProcesses = Set(ids.compactMap { warm[$0]?.place?.process })
        #expect(warmProcesses.count == 1, "\(ids.map { warm[$0]?.place as Any })")
        let positions = ids.compactMap { warm[$0]?.place?.position }
        #expect(positions.count == ids.count && Set(positions).count == positions.count)
        let firstGrant = ids.prefix(8).compactMap { warm[$0]?.place?.position }
        let secondGrant = ids.dropFirst(8).compactMap { warm[$0]?.place?.position }
        #expect((firstGrant.max() ?? -1) < (secondGrant.min() ?? Int.max))
        let coldProcesses = Set(coldResults.values.compactMap { $0.place?.process })
        #expect(!coldProcesses.isEmpty && coldProcesses.isDisjoint(with: warmProcesses))
    }

    @Test func aTestThatSegfaultsTheProcessIsAnErrorWithItsOutputAndTheRestStillRuns() throws {
        let sessions = sessions()
        defer { sessions.shutdown() }
        let ids = ["tests/test_crash.py::test_before_crash", "tests/test_crash.py::test_segfaults",
                   "tests/test_crash.py::test_after_crash", "tests/test_poison.py::test_poisons"]
        let results = runWarm(ids, suite(), sessions)
        #expect(results[ids[0]]?.outcome == .passed)
        let crashed = try #require(results[ids[1]])
        #expect(crashed.outcome == .error)
        let output = String(decoding: crashed.output, as: UTF8.self)
        #expect(output.contains("died while this test ran"), "\(output)")
        #expect(output.contains("Segmentation fault"), "the fault handler's report is the test's output: \(output)")
        #expect(output.contains("test_segfaults"), "the traceback names the test: \(output)")
        #expect(results[ids[2]]?.outcome == .passed, "the test after the crash ran, in a new process")
        #expect(results[ids[3]]?.outcome == .passed)
        #expect(processStarts() == 2, "the first process and its replacement")
    }

    @Test func aHangingTestIsKilledAtItsOwnTimeoutAndTheOthersFinish() throws {
        let sessions = sessions()
        defer { sessions.shutdown() }
        let ids = ["tests/test_hang.py::test_quick_before_hang", "tests/test_hang.py::test_hangs",
                   "tests/test_hang.py::test_quick_after_hang", "tests/test_crash.py::test_before_crash"]
        let timeout = 3.0
        let started = ProcessRunner.now()
        let results = runWarm(ids, suite(timeout: timeout), sessions)
        let elapsed = ProcessRunner.now() - started
        let hung = try #require(results[ids[1]])
        #expect(hung.outcome == .error)
        let output = String(decoding: hung.output, as: UTF8.self)
        #expect(output.contains("timed out after 3s"), "\(output)")
        // Killed at its own timeout_s, not the grant's (4 tests × 3 s).
        #expect(hung.duration >= timeout && hung.duration < timeout + 2, "killed after \(hung.duration) s")
        #expect(results[ids[0]]?.outcome == .passed)
        #expect(results[ids[2]]?.outcome == .passed)
        #expect(results[ids[3]]?.outcome == .passed)
        #expect(elapsed < timeout * Double(ids.count), "the grant took \(elapsed) s")
    }

    /// Grants that split one file and visit another between its halves: every test keeps its
    /// conftest-parametrised copies (pytest 9.1+ would drop them on a second collection).
    @Test func grantsSplittingFilesKeepTheConftestsParametrisedFixtures() throws {
        let directory = URL(fileURLWithPath: Self.fixture).deletingLastPathComponent()
            .appendingPathComponent("pytest-warm-conftest").path
        let ids = try PytestAdapter().inventory(of: SuiteDefinition(
            name: "warm", adapter: .pytest, directory: directory, environment: Self.environment))
        #expect(ids.count == 8)
        let one = ids.filter { $0.hasPrefix("tests/test_one.py") }, two = ids.filter { $0.hasPrefix("tests/test_two.py") }
        let log = LogLines()
        let sessions = sessions(log)
        defer { sessions.shutdown() }
        try? FileManager.default.removeItem(atPath: starts)
        var results: [String: AdapterResult] = [:]
        for grant in [Array(one.prefix(3)), two, Array(one.dropFirst(3))] {
            results.merge(runWarm(grant, suite(directory: directory), sessions)) { a, _ in a }
        }
        #expect(Set(results.keys) == Set(ids))
        #expect(results.values.allSatisfy { $0.outcome == .passed })
        #expect(processStarts() == 1, "all three grants in the one warm process: \(log.lines)")
    }

    /// Grants collect the classes and functions they name, one unit at a time under the one
    /// module node: a grant of one class does not collect the other, nothing is collected twice,
    /// and the module is imported once.
    @Test func grantsCollectOnlyTheClassesAndFunctionsTheyName() throws {
        let directory = URL(fileURLWithPath: Self.fixture).deletingLastPathComponent()
            .appendingPathComponent("pytest-units").path
        let logFile = scratch.path + "/units.log"
        var warm = suite(directory: directory)
        warm.environment["UNITS_LOG"] = logFile
        let file = "tests/test_units.py"
        let sessions = sessions()
        defer { sessions.shutdown() }
        func collected() -> [String] {
            ((try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
        let first = runWarm(["\(file)::TestFirst::test_one"], warm, sessions)
        #expect(first.values.map(\.outcome) == [.passed])
        #expect(collected() == ["imported", "collected \(file)::TestFirst::test_one", "collected \(file)::TestFirst::test_two"])
        let second = runWarm(["\(file)::TestSecond::test_three", "\(file)::test_param[2]", "\(file)::TestFirst::test_two"],
                             warm, sessions)
        #expect(second.count == 3 && second.values.allSatisfy { $0.outcome == .passed }, "\(second)")
        #expect(collected().sorted() == ["collected \(file)::TestFirst::test_one", "collected \(file)::TestFirst::test_two",
                                         "collected \(file)::TestSecond::test_three", "collected \(file)::test_param[1]",
                                         "collected \(file)::test_param[2]", "imported"])
        #expect(processStarts() == 1)
    }

    @Test func aListingSessionWritesWhatTheInventoryListsAndThenCollectsNothingMore() throws {
        for directory in [Self.outcomesFixture, Self.fixture] {  // a module that cannot be imported; one skipped whole
            try? FileManager.default.removeItem(atPath: starts)
            let log = LogLines()
            let sessions = sessions(log)
            defer { sessions.shutdown() }
            let listing = scratch.path + "/listing-\(UUID().uuidString).json"
            #expect(PytestAdapter().prewarm(suite(directory: directory), key: "k", sessions: sessions, servers: nil, listing: listing))
            let listed = try JSONDecoder().decode([String].self, from: Data(contentsOf: URL(fileURLWithPath: listing)))
            let inventory = try PytestAdapter().inventory(of: SuiteDefinition(
                name: "warm", adapter: .pytest, directory: directory, environment: Self.environment))
            #expect(listed.sorted() == inventory.sorted(), "\(directory)")
            guard directory == Self.outcomesFixture else { continue }
            // Every listed id runs in that session: no collection, no cold run, one result each.
            let results = runWarm(listed, suite(directory: directory), sessions)
            #expect(results["tests/test_collection_error.py"]?.outcome == .error)
            #expect(results["tests/test_outcomes.py::test_fails"]?.outcome == .failed)
            #expect(processStarts() == 1, "\(log.lines)")
        }
    }

    @Test func aListingThatCannotBeCollectedSaysWhyBesideIt() throws {
        let sessions = sessions()
        defer { sessions.shutdown() }
        var broken = suite()
        broken.environment["PYTEST_ADDOPTS"] = "tests/test_no_such_file.py"
        let listing = scratch.path + "/listing.json"
        PytestAdapter().prewarm(broken, key: "k", sessions: sessions, servers: nil, listing: listing)
        #expect(!FileManager.default.fileExists(atPath: listing))
        let why = (try? String(contentsOfFile: listing + ".failed", encoding: .utf8)) ?? ""
        #expect(why.contains("test_no_such_file"), "\(why)")
    }

    @Test func aModuleSkippedAtCollectionIsOneSkippedTestWithoutAColdRun() throws {
        let log = LogLines()
        let sessions = sessions(log)
        defer { sessions.shutdown() }
        let ids = ["tests/test_skipped_module.py", "tests/test_crash.py::test_before_crash"]
        let results = runWarm(ids, suite(), sessions)
        let skipped = try #require(results[ids[0]])
        #expect(skipped.outcome == .skipped)
        #expect(String(decoding: skipped.output, as: UTF8.self).contains("testfleet_no_such_module"))
        #expect(results[ids[1]]?.outcome == .passed)
        #expect(processStarts() == 1, "answered by the warm process: \(log.lines)")
    }

    @Test func aSessionThatCannotStartFallsBackToTheColdPathAndSaysSo() throws {
        let log = LogLines()
        let sessions = sessions(log)
        defer { sessions.shutdown() }
        // A pytest that refuses the plugin's options, as an old or odd pytest would.
        var broken = suite()
        broken.command = "sh -c 'case \"$*\" in *testfleet_warm*) echo no such plugin >&2; exit 4;; esac; "
            + "exec python3 -m pytest \"$@\"' pytest"
        let ids = ["tests/test_poison.py::test_poisons", "tests/test_crash.py::test_before_crash"]
        let results = runWarm(ids, broken, sessions)
        #expect(results.values.allSatisfy { $0.outcome == .passed }, "\(results)")
        #expect(log.lines.contains { $0.contains("could not start, running its grants cold") && $0.contains("no such plugin") },
                "\(log.lines)")
    }
}

/// Lines logged from any thread.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ line: String) { lock.lock(); stored.append(line); lock.unlock() }
    var lines: [String] { lock.lock(); defer { lock.unlock() }; return stored }
}
