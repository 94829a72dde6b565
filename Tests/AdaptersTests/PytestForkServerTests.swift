import Foundation
import Model
import Testing
@testable import Adapters

/// Retries through a pytest fork server on a real pytest and Tests/Fixtures/pytest-warm: each
/// grant runs in a child forked from a server that never runs a test, so one process start
/// serves many retry grants while every grant still starts from a state no test touched.
@Suite(.serialized) struct PytestForkServerTests {
    static let fixture = PytestWarmTests.fixture
    static let needsPoison = "tests/test_poison.py::test_needs_poison"
    static let poisons = "tests/test_poison.py::test_poisons"
    static let basetempFixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/pytest-basetemp").path

    let scratch: TemporaryDirectory
    var starts: String { scratch.path + "/starts" }

    init() throws { scratch = try TemporaryDirectory() }

    /// The suite, its command counting the pytest processes it starts.
    func suite(timeout: Double = 60) -> SuiteDefinition {
        let command = "sh -c 'echo start >> \"\(starts)\"; exec python3 -m pytest \"$@\"' pytest"
        return SuiteDefinition(name: "warm", adapter: .pytest, directory: Self.fixture, command: command, timeout: timeout,
                               environment: PytestWarmTests.environment)
    }

    func processStarts() -> Int {
        ((try? String(contentsOfFile: starts, encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    /// Runs `ids` in a child of `servers`' server, its caches under `cacheRoot` (the scratch
    /// directory when not given: what one run keeps never reaches another).
    func runForked(_ ids: [String], attempt: Int = 2, _ suite: SuiteDefinition, _ servers: PytestForkServers,
                   cacheRoot: String? = nil) -> [String: AdapterResult] {
        var results: [String: AdapterResult] = [:]
        var reported = 0
        PytestAdapter(cacheRoot: cacheRoot ?? scratch.path).runForked(ids, of: suite, attempt: attempt, key: "k", servers: servers) {
            reported += 1
            results[$0.name] = $0
        }
        #expect(reported == Set(ids).count, "one result per requested id")
        return results
    }

    @Test func stateOneGrantLeaksNeverReachesTheNextAndOneServerServesThemAll() throws {
        let log = LogLines()
        let servers = PytestForkServers(cacheDirectory: scratch.path) { log.append($0) }
        defer { servers.shutdown() }
        // Poisoned within one grant (one child): the test after the poisoning one sees it, as in
        // any one pytest process; this is the control that the fixture's poison works.
        let together = runForked([Self.poisons, Self.needsPoison], suite(), servers)
        #expect(together[Self.needsPoison]?.outcome == .passed, "the control: poison within one child")
        // The next grants are new children of a server that never ran a test: no poison.
        for attempt in 3...6 {
            let alone = runForked([Self.needsPoison], attempt: attempt, suite(), servers)
            #expect(alone[Self.needsPoison]?.outcome == .failed, "attempt \(attempt) saw state leaked by an earlier grant")
        }
        #expect(processStarts() == 1, "one fork server for five grants: \(log.lines)")
    }

    @Test func aModuleThatCannotBeImportedIsAnsweredByTheServerFromItsCollectionReport() throws {
        let log = LogLines()
        let servers = PytestForkServers(cacheDirectory: scratch.path) { log.append($0) }
        defer { servers.shutdown() }
        var outcomes = suite()
        outcomes.directory = PytestWarmTests.outcomesFixture
        // The module id the inventory lists for it, a stale test id in it, and a test that runs.
        let ids = ["tests/test_collection_error.py", "tests/test_collection_error.py::test_never_collected",
                   "tests/test_outcomes.py::test_passes"]
        for attempt in 2...4 {
            let results = runForked(ids, attempt: attempt, outcomes, servers)
            for id in ids.prefix(2) {
                let broken = try #require(results[id])
                #expect(broken.outcome == .error, "\(id), attempt \(attempt)")
                #expect(String(decoding: broken.output, as: UTF8.self).contains("ModuleNotFoundError"), "\(id)")
            }
            #expect(results[ids[2]]?.outcome == .passed)
        }
        #expect(processStarts() == 1, "three attempts, no cold run for the broken module: \(log.lines)")
    }

    /// A retry works in the worker's mirror of the suite's directory, as one on another worker
    /// works in that worker's checkout: it reads the project's files there, and what it leaves
    /// under its working directory never meets the warm session working in the directory itself
    /// (alembic's staging directory made a retry and the session's next class error).
    @Test func aChildWorksInAMirrorOfTheSuitesDirectory() throws {
        let project = try TemporaryDirectory()
        try "project data\n".write(toFile: project.path + "/data.txt", atomically: true, encoding: .utf8)
        try "import os\n\ndef test_leaves_a_file():\n    assert open('data.txt').read() == 'project data\\n'\n"
            .appending("    open('left-by-a-retry', 'w').close()\n    print('works in', os.getcwd())\n    assert False\n")
            .write(toFile: project.path + "/test_retry.py", atomically: true, encoding: .utf8)
        var retried = suite()
        retried.directory = project.path
        let log = LogLines()
        let servers = PytestForkServers(cacheDirectory: scratch.path) { log.append($0) }
        defer { servers.shutdown() }
        let test = "test_retry.py::test_leaves_a_file"
        let result = try #require(runForked([test], retried, servers)[test])
        let output = String(decoding: result.output, as: UTF8.self)
        #expect(result.outcome == .failed && output.contains("assert False"), "read the project's data there: \(output)")
        #expect(!FileManager.default.fileExists(atPath: project.path + "/left-by-a-retry"), "\(output) \(log.lines)")
        let mirrors = try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/mirrors")
        // The mirror stands at the project's own path below its claimed directory.
        let place = URL(fileURLWithPath: project.path).standardizedFileURL.path
        #expect(mirrors.contains { FileManager.default.fileExists(atPath: scratch.path + "/mirrors/" + $0 + place + "/left-by-a-retry") },
                "\(mirrors)")
    }

    /// A child's compiled regular expressions come back to its server, so later children find
    /// them in `re`'s cache instead of compiling them again; plain pytest runs never do.
    /// The pytest-regex fixture as a suite whose tests log to the file named by `variable`
    /// (in the scratch directory; returned as `log`).
    func loggingSuite(_ variable: String) -> (suite: SuiteDefinition, log: String) {
        let fixture = URL(fileURLWithPath: Self.fixture).deletingLastPathComponent().appendingPathComponent("pytest-regex").path
        let log = scratch.path + "/" + variable
        var environment = PytestWarmTests.environment
        environment[variable] = log
        return (SuiteDefinition(name: "learning", adapter: .pytest, directory: fixture, command: "python3 -m pytest",
                                timeout: 60, environment: environment), log)
    }

    /// The lines of `log` so far (none when it does not exist yet).
    func lines(_ log: String) -> [String] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// The control: `test` run twice in plain pytest processes, each its own start.
    func runPlainTwice(_ test: String, _ suite: SuiteDefinition) throws -> [ProcessRunner.Run] {
        try (1...2).map { _ in
            try ProcessRunner().run(.argv(["python3", "-m", "pytest", "-q", "-p", "no:cacheprovider", test]),
                                    in: suite.directory, environment: suite.environment, timeout: 60, outputCap: 1 << 16)
        }
    }

    @Test func laterChildrenInheritThePatternsAnEarlierChildCompiled() throws {
        let (suite, regexLog) = loggingSuite("REGEX_LOG")
        let servers = PytestForkServers(cacheDirectory: scratch.path) { _ in }
        defer { servers.shutdown() }
        let test = "tests/test_regex_cache.py::test_compiles_a_pattern"
        for attempt in 2...4 {
            #expect(runForked([test], attempt: attempt, suite, servers)[test]?.outcome == .passed)
        }
        #expect(lines(regexLog) == ["compiled", "cached", "cached"], "the first child compiled it, its server learned it")

        // The control: a plain pytest process compiles it every time.
        try FileManager.default.removeItem(atPath: regexLog)
        for plain in try runPlainTwice(test, suite) {
            #expect(plain.succeeded, "\(String(decoding: plain.output, as: UTF8.self))")
        }
        #expect(lines(regexLog) == ["compiled", "compiled"])
    }

    @Test func laterChildrenReportAFailureWithoutParsingItsSourceAgain() throws {
        let (suite, parseLog) = loggingSuite("PARSE_LOG")
        let servers = PytestForkServers(cacheDirectory: scratch.path) { _ in }
        defer { servers.shutdown() }
        let test = "tests/test_fails.py::test_fails"
        func parsers() -> [String] { lines(parseLog) }
        let first = try #require(runForked([test], attempt: 2, suite, servers)[test])
        #expect(first.outcome == .failed)
        let afterFirst = parsers()
        #expect(!afterFirst.isEmpty, "the first child parsed the file to show its failure")
        for attempt in 3...4 {
            let later = try #require(runForked([test], attempt: attempt, suite, servers)[test])
            #expect(later.outcome == .failed)
            // The same report, from the tree the server learned.
            #expect(String(decoding: later.output, as: UTF8.self).contains("assert 1 + 1 == expected + 1"))
            #expect(String(decoding: later.output, as: UTF8.self) == String(decoding: first.output, as: UTF8.self))
        }
        // Only the first child and its server (learning it after it answered, so maybe after
        // `afterFirst` was read) parsed; the later children did not.
        #expect(Set(parsers()).count == 2 && Set(afterFirst).isSubset(of: Set(parsers())), "\(afterFirst) then \(parsers())")

        // The control: every plain pytest process parses it.
        try FileManager.default.removeItem(atPath: parseLog)
        _ = try runPlainTwice(test, suite)
        #expect(Set(parsers()).count == 2)
    }

    /// Where a failure's statements start and end, found once, spares every later process on
    /// the machine the parse: a retry on another worker (another server, which no child taught)
    /// shows the same report without parsing anything; under another cache it parses again.
    @Test func anotherServersChildReportsAFailureFromTheStatementRangesAnEarlierChildKept() throws {
        let (suite, parseLog) = loggingSuite("PARSE_LOG")
        let test = "tests/test_fails.py::test_fails"
        func failure(cacheRoot: String? = nil) throws -> String {
            let servers = PytestForkServers(cacheDirectory: scratch.path) { _ in }
            defer { servers.shutdown() }
            let result = try #require(runForked([test], attempt: 2, suite, servers, cacheRoot: cacheRoot)[test])
            #expect(result.outcome == .failed)
            return String(decoding: result.output, as: UTF8.self)
        }
        let first = try failure()
        #expect(first.contains("assert 1 + 1 == expected + 1"))
        #expect(!lines(parseLog).isEmpty, "the first child parsed the file to show its failure")
        try FileManager.default.removeItem(atPath: parseLog)

        #expect(try failure() == first)
        #expect(lines(parseLog).isEmpty, "a new server's child found the ranges and parsed nothing")

        // The control: a worker with another cache directory parses it.
        #expect(try failure(cacheRoot: scratch.path + "/other") == first)
        #expect(!lines(parseLog).isEmpty)
    }

    /// pytest makes a failure's report before the test's teardown: a test that replaced `open`
    /// (here with one that raises) still has that `open` then. Keeping the report's ranges
    /// neither breaks the report nor goes through that `open`, and they are kept all the same;
    /// an import the test makes meanwhile finds its bytecode as in a plain run.
    @Test func aTestThatReplacedOpenStillGetsItsReportAndItsRangesAreKept() throws {
        let (suite, _) = loggingSuite("REGEX_LOG")  // not PARSE_LOG: the fixture's conftest would open its log
        let test = "tests/test_fails_without_files.py::test_fails_while_open_raises"
        let servers = PytestForkServers(cacheDirectory: scratch.path) { _ in }
        defer { servers.shutdown() }
        let result = try #require(runForked([test], attempt: 2, suite, servers)[test])
        #expect(result.outcome == .failed)
        let output = String(decoding: result.output, as: UTF8.self)
        #expect(output.contains("assert 1 + 1 == expected + 1"), "\(output)")
        #expect(!output.contains("died") && !output.contains("RuntimeError: this test opens no files"), "\(output)")
        let kept = try FileManager.default.contentsOfDirectory(
            atPath: PytestWarmPlugin.statementRangeDirectory(under: scratch.path))
        #expect(!kept.isEmpty, "the ranges were written with the plugin's own open")
    }

    @Test func aPrestartedServerIsUsedAndAChildsSegfaultIsAnErrorWhileTheServerLivesOn() throws {
        let log = LogLines()
        let servers = PytestForkServers(cacheDirectory: scratch.path) { log.append($0) }
        defer { servers.shutdown() }
        PytestAdapter().prestartForkServer(for: suite(), key: "k", servers: servers)
        PytestAdapter().prestartForkServer(for: suite(), key: "k", servers: servers)
        let ids = ["tests/test_crash.py::test_before_crash", "tests/test_crash.py::test_segfaults",
                   "tests/test_crash.py::test_after_crash", Self.needsPoison]
        let results = runForked(ids, suite(), servers)
        #expect(results[ids[0]]?.outcome == .passed)
        let crashed = try #require(results[ids[1]])
        #expect(crashed.outcome == .error)
        let output = String(decoding: crashed.output, as: UTF8.self)
        #expect(output.contains("died while this test ran (killed by signal 11)"), "\(output)")
        #expect(output.contains("Segmentation fault") && output.contains("test_segfaults"), "the fault handler's report: \(output)")
        #expect(results[ids[2]]?.outcome == .passed, "the test after the crash ran, in a new child")
        #expect(results[ids[3]]?.outcome == .failed)
        #expect(processStarts() == 1, "the prestarted server, never restarted: \(log.lines)")
    }

    @Test func aWarmSessionsTwinServesRetriesWithoutAStartOfItsOwnAndKeepsTheirOutput() throws {
        let log = LogLines()
        let servers = PytestForkServers(cacheDirectory: scratch.path) { log.append($0) }
        defer { servers.shutdown() }
        let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { log.append($0) }
        defer { sessions.shutdown() }
        var first: [String: AdapterResult] = [:]
        PytestAdapter().runWarm([Self.poisons], of: suite(), key: "k", sessions: sessions, servers: servers) { first[$0.name] = $0 }
        #expect(first[Self.poisons]?.outcome == .passed)
        // The session poisoned its own process; its twin was forked before any test ran.
        let ids = ["tests/test_crash.py::test_segfaults", "tests/test_crash.py::test_after_crash", Self.needsPoison]
        let results = runForked(ids, suite(), servers)
        let crashed = try #require(results[ids[0]])
        #expect(crashed.outcome == .error)
        let output = String(decoding: crashed.output, as: UTF8.self)
        #expect(output.contains("Segmentation fault") && output.contains("test_segfaults"), "the fault handler's report: \(output)")
        #expect(results[ids[1]]?.outcome == .passed, "the test after the crash ran, in a new child")
        #expect(results[ids[2]]?.outcome == .failed, "no state of the session's tests")
        #expect(processStarts() == 1, "the session's start only: the twin is a fork of it: \(log.lines)")
        // A hang in the twin's child kills the twin at the test's timeout; a started server takes over.
        let hang = ["tests/test_hang.py::test_hangs", "tests/test_hang.py::test_quick_after_hang"]
        let hung = runForked(hang, attempt: 3, suite(timeout: 3), servers)
        #expect(hung[hang[0]]?.outcome == .error)
        #expect(hung[hang[1]]?.outcome == .passed)
        #expect(processStarts() == 2, "the session, then one server after the twin was killed: \(log.lines)")
        // The session itself lives on.
        var again: [String: AdapterResult] = [:]
        PytestAdapter().runWarm([Self.needsPoison], of: suite(), key: "k", sessions: sessions, servers: servers) { again[$0.name] = $0 }
        #expect(again[Self.needsPoison]?.outcome == .passed, "the same warm process, still poisoned")
        #expect(processStarts() == 2)
    }

    /// The fixture's conftest makes the session's base temporary directory at start, as
    /// sphinx's does, so the twin forked from the session (and each child of it) inherited it.
    /// Each child now makes its own: a file the session's test left there never reaches a
    /// retry (sphinx's translation tests found a project an earlier process had built).
    /// Each process unlocks the directory it made when it ends, as pytest's exit handler does
    /// (a warm process ends with `os._exit`), so pytest's clean-up can remove it later.
    @Test func aChildGetsABaseTemporaryDirectoryOfItsOwn() throws {
        let servers = PytestForkServers(cacheDirectory: scratch.path) { _ in }
        let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { _ in }
        var suite = suite()
        suite.directory = Self.basetempFixture
        let notes = scratch.path + "/basetemps"
        suite.environment["TESTFLEET_FIXTURE_BASETEMPS"] = notes
        let leaves = "tests/test_basetemp.py::test_leaves_a_file", clean = "tests/test_basetemp.py::test_finds_its_directory_clean"
        var first: [String: AdapterResult] = [:]
        PytestAdapter().runWarm([leaves], of: suite, key: "k", sessions: sessions, servers: servers) { first[$0.name] = $0 }
        #expect(first[leaves]?.outcome == .passed)
        // The control: within one child, the test after the one that leaves the file finds it.
        #expect(runForked([leaves, clean], suite, servers)[clean]?.outcome == .failed)
        for attempt in 3...4 {
            let alone = runForked([clean], attempt: attempt, suite, servers)
            #expect(alone[clean]?.outcome == .passed, "attempt \(attempt): \(String(decoding: alone[clean]?.output ?? [], as: UTF8.self))")
        }
        #expect(processStarts() == 1, "the session's start only: the twin is a fork of it")
        servers.shutdown()
        sessions.shutdown()
        let directories = Set(try String(contentsOfFile: notes, encoding: .utf8).split(separator: "\n").map(String.init))
        #expect(directories.count == 4, "the session's and three children's: \(directories)")
        let locked = directories.filter { FileManager.default.fileExists(atPath: $0 + "/.lock") }
        #expect(locked.isEmpty, "still locked after their processes ended: \(locked)")
    }

    /// The suite of the `pytest-gc` fixture: tests that look at the garbage collector.
    func gcSuite() -> SuiteDefinition {
        var suite = suite()
        suite.directory = URL(fileURLWithPath: Self.basetempFixture).deletingLastPathComponent()
            .appendingPathComponent("pytest-gc").path
        return suite
    }

    /// The server freezes its objects before each fork; a child's test must still see them in
    /// gc.get_objects() and gc.get_referrers() and have a dropped cycle collected, as in a fresh
    /// process (dill's test_weakref failed every attempt in a child). Each test alone, so each
    /// is the child's first look at the collector.
    @Test func aChildsTestsSeeTheCollectorAsAFreshProcessDoes() throws {
        let servers = PytestForkServers(cacheDirectory: scratch.path) { _ in }
        defer { servers.shutdown() }
        let suite = gcSuite()
        let file = "tests/test_gc_view.py::"
        for test in ["test_get_objects_lists_what_the_import_made", "test_get_referrers_finds_what_the_import_made",
                     "test_a_cycle_made_at_import_is_collected_once_dropped"] {
            let result = runForked([file + test], suite, servers)[file + test]
            #expect(result?.outcome == .passed, "\(test): \(String(decoding: result?.output ?? [], as: UTF8.self))")
        }
        #expect(processStarts() == 1, "one server forked a child for each")
    }

    /// A failure's report from the plugin's caches parses nothing, so it triggers none of the
    /// young collections pytest's parse does. A cycle that a failing fixture leaked would then
    /// still be young and be finalized in the next test. There its warning fails that test
    /// (anyio: each `-ipv4` test after an `-ipv6` setup error, 28 of 28). The second error here
    /// is reported from the trees the first one parsed.
    @Test func aCycleLeakedByAFailureIsFinalizedWhereAPlainRunFinalizesIt() throws {
        let servers = PytestForkServers(cacheDirectory: scratch.path) { _ in }
        defer { servers.shutdown() }
        let suite = gcSuite()
        let file = "tests/test_leaked_cycle.py::"
        let ids = ["test_errors_first", "test_a_young_collection_finalizes_nothing_leaked_before_it", "test_errors_again",
                   "test_a_young_collection_still_finalizes_nothing_leaked_before_it"].map { file + $0 }
        let results = runForked(ids, attempt: 1, suite, servers)
        for (id, expected) in zip(ids, [Outcome.error, .passed, .error, .passed]) {
            #expect(results[id]?.outcome == expected, "\(id): \(String(decoding: results[id]?.output ?? [], as: UTF8.self))")
        }
    }

    @Test func aSessionGivenNoGrantStillForksItsTwinForTheWorkersRetries() throws {
        let log = LogLines()
        let servers = PytestForkServers(cacheDirectory: scratch.path) { log.append($0) }
        defer { servers.shutdown() }
        let sessions = PytestWarmSessions(cacheDirectory: scratch.path) { log.append($0) }
        defer { sessions.shutdown() }
        // Started ahead of a build (as a local run's workers are) and then given no first attempt:
        // the twin waits for the session's first grant only so long (here 60 s), but a retry that
        // borrows it meanwhile has it forked at once (`PytestWarmProcess.wake`): it waited out the
        // wait before, a second as shipped.
        var suite = suite()
        suite.environment["TESTFLEET_WARM_TWIN_IDLE_S"] = "60"
        #expect(PytestAdapter().prewarm(suite, key: "k", sessions: sessions, servers: servers))
        let started = ProcessRunner.now()
        let results = runForked([Self.poisons], suite, servers)
        #expect(results[Self.poisons]?.outcome == .passed)
        #expect(ProcessRunner.now() - started < 10, "the retry waited \(ProcessRunner.now() - started) s")
        #expect(processStarts() == 1, "the session's start only: the twin is a fork of it: \(log.lines)")
    }

    @Test func aHangingRetryIsKilledAtItsOwnTimeoutAndTheRestRunsUnderANewServer() throws {
        let servers = PytestForkServers(cacheDirectory: scratch.path) { _ in }
        defer { servers.shutdown() }
        let ids = ["tests/test_hang.py::test_hangs", "tests/test_hang.py::test_quick_after_hang"]
        let results = runForked(ids, suite(timeout: 3), servers)
        let hung = try #require(results[ids[0]])
        #expect(hung.outcome == .error)
        #expect(hung.duration >= 3 && hung.duration < 5, "killed after \(hung.duration) s")
        #expect(results[ids[1]]?.outcome == .passed)
        #expect(processStarts() == 2, "the hung server and its replacement")
    }
}
