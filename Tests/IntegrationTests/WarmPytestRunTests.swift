import Foundation
import Model
import Store
import Testing
import Wire

/// `testfleet run --local 1` (real coordinator, real worker process, warm pytest sessions on) on
/// Tests/Fixtures/pytest-warm: a segfault in the warm process is stored as that test's error with
/// its output while the tests after it pass, and state a test leaked into the warm process never
/// makes a retry pass.
@Suite(.serialized) struct WarmPytestRunTests {
    let directory = Testfleet.temporaryDirectory()

    /// Writes `file`: one pytest suite on Tests/Fixtures/`fixture` run by `command`, with
    /// `env` (TOML, from its comma) added to the environment every test here needs.
    func writeSuite(_ file: String, fixture: String = "pytest-warm", command: String, env: String = "") throws {
        try """
            [[suite]]
            name = "warm"
            adapter = "pytest"
            dir = "\(Testfleet.fixture(fixture))"
            command = "\(command)"
            timeout_s = 120
            env = { PYTHONDONTWRITEBYTECODE = "1", PYTEST_DISABLE_PLUGIN_AUTOLOAD = "1"\(env) }
            """.write(toFile: directory + "/" + file, atomically: true, encoding: .utf8)
    }

    /// Under `--doctest-modules --doctest-ignore-import-errors` a module that cannot be imported
    /// is one skipped test in a plain run, test module or not: fonttools 4.55.0's 19 library
    /// modules that need optional packages were lost from its count (210 skipped against 231).
    @Test func aModuleCollectedForDoctestsThatCannotBeImportedCountsAsSkipped() throws {
        try writeSuite("doctests.toml", fixture: "pytest-doctest-skip", command: "python3 -m pytest")
        // The first build lists the suite; the second runs the listed ids, the module's among them
        // (given as an argument, pytest would make it a test module, whose import fails: an error).
        for build in ["d1", "d2"] {
            let run = try Testfleet.run(["run", "--local", "1", "--suite", "doctests.toml", "--db", "d.db", "--build", build, "--quiet"],
                                        in: directory, timeout: 300,
                                        environment: ["TESTFLEET_WARM": "1", "TESTFLEET_CACHE": directory + "/cache"])
            #expect(run.code == 0, "\(build): \(run.stderr)")
            let outcomes = Dictionary(try Store(path: directory + "/d.db").results(build: build).map { ($0.test, $0.outcome) },
                                      uniquingKeysWith: { a, _ in a })
            #expect(outcomes == ["pkg/test_plain.py::test_one": .passed, "pkg/needs_missing.py": .skipped], "\(build): \(outcomes)")
        }
    }

    /// Items that share a node id are tests of their own, as in a plain run (`1 failed, 3
    /// passed`): PyYAML 6.0.2's three legacy tests named after their module were one test here
    /// (2,606 passed against 2,608). The second and third are listed as duplicates, each runs as
    /// its own item in a warm session and in a pytest process per grant, and the failing one's
    /// retry, in a fresh process, runs that item again and fails again.
    @Test func itemsThatShareANodeIdAreCountedAndRunEachAsItself() throws {
        try writeSuite("alike.toml", fixture: "pytest-duplicate-ids", command: "python3 -m pytest")
        let id = "tests/test_alike.py::test_alike.py"
        let expected: [String: Outcome] = [id: .passed, id + "::<duplicate 2>": .failed, id + "::<duplicate 3>": .passed,
                                           "tests/test_alike.py::test_plain": .passed]
        for warm in ["1", "0"] {
            for build in ["first-\(warm)", "later-\(warm)"] {
                let run = try Testfleet.run(["run", "--local", "1", "--suite", "alike.toml", "--db", "alike-\(warm).db", "--build", build,
                                             "--retries", "1", "--confirm-runs", "0", "--quiet"], in: directory, timeout: 300,
                                            environment: ["TESTFLEET_WARM": warm, "TESTFLEET_CACHE": directory + "/cache-alike-\(warm)"])
                #expect(run.code == 1, "\(build): the failing item fails the gate: \(run.stderr)")
                let results = try Store(path: directory + "/alike-\(warm).db").results(build: build)
                let last = Dictionary(results.map { ($0.test, $0) }, uniquingKeysWith: { a, b in a.attempt > b.attempt ? a : b })
                #expect(last.mapValues(\.outcome) == expected, "\(build): \(results.map { "\($0.test) \($0.attempt) \($0.outcome)" })")
                let failing = results.filter { $0.test == id + "::<duplicate 2>" }
                #expect(failing.count == 2 && failing.allSatisfy { $0.outcome == .failed }, "\(build): its retry runs the same item")
                #expect(results.filter { $0.outcome == .failed }.count == 2, "\(build): no other item fails")
            }
        }
    }

    /// A module skipped whole counts as one skipped test also when the suite names its test
    /// modules its own way (`python_files`): tqdm's `tests_pandas.py` was lost from its count.
    @Test func aModuleSkippedWholeUnderConfiguredPythonFilesIsCounted() throws {
        try writeSuite("files.toml", fixture: "pytest-python-files", command: "python3 -m pytest")
        let run = try Testfleet.run(["run", "--local", "1", "--suite", "files.toml", "--db", "f.db", "--build", "f", "--quiet"],
                                    in: directory, timeout: 300,
                                    environment: ["TESTFLEET_WARM": "1", "TESTFLEET_CACHE": directory + "/cache"])
        #expect(run.code == 0, "\(run.stderr)")
        let outcomes = Dictionary(try Store(path: directory + "/f.db").results(build: "f").map { ($0.test, $0.outcome) },
                                  uniquingKeysWith: { a, _ in a })
        #expect(outcomes == ["checks/checks_plain.py::test_one": .passed, "checks/checks_skipped.py": .skipped], "\(outcomes)")
    }

    /// The previous build's failures go first, but not at the head of a warm session: there
    /// they set their module up before its turn, and the module was made a second time in the
    /// process when the rest of its file came (sphinx's shared build results were cleared, and
    /// one more test failed than in a plain run). A fork server's child runs them now.
    @Test func aFailureRunFirstDoesNotMakeItsModuleTwiceInTheSession() throws {
        try writeSuite("once.toml", fixture: "pytest-module-once", command: "python3 -m pytest")
        var expected: [String: Outcome] = [:]
        for test in ["tests/test_a_other.py::test_one", "tests/test_a_other.py::test_two",
                     "tests/test_b_shared.py::test_first", "tests/test_b_shared.py::test_second"] { expected[test] = .passed }
        expected["tests/test_b_shared.py::test_broken"] = .failed
        for build in ["first", "later"] {
            // One worker: one session runs everything but what goes to its fork server. No
            // retries: a retry in a fresh process would hide a first attempt's wrong failure.
            let run = try Testfleet.run(["run", "--local", "1", "--suite", "once.toml", "--db", "once.db", "--build", build,
                                         "--retries", "0", "--quiet"], in: directory, timeout: 300,
                                        environment: ["TESTFLEET_WARM": "1", "TESTFLEET_CACHE": directory + "/cache-once"])
            #expect(run.code == 1, "\(build): the broken test fails the gate: \(run.stderr)")
            let results = try Store(path: directory + "/once.db").results(build: build)
            let outcomes = Dictionary(results.map { ($0.test, $0.outcome) }, uniquingKeysWith: { a, _ in a })
            #expect(outcomes == expected, "\(build): \(outcomes)")
        }
    }

    /// A directory whose conftest.py skips it is one skipped test, as in a plain run (babel's
    /// `tests/benchmarks` was lost from its count): in a warm session's listing and its grants,
    /// in a later build's warm grants, and through the cold path's `--collect-only` and run.
    @Test func aDirectorySkippedByItsConftestIsCounted() throws {
        let expected: [String: Outcome] = ["tests/test_plain.py::test_one": .passed,
                                           "tests/benchmarks": .skipped, "tests/integration": .skipped]
        try eachWarmAndColdBuild(of: "pytest-skipped-directory", code: 0) { build, outcomes, results, _ in
            #expect(outcomes == expected, "\(build): \(outcomes)")
            #expect(results.allSatisfy { $0.attempt == 1 }, "\(build): nothing to retry")
        }
    }

    /// Under `--doctest-modules` (the fixture's addopts) a module that skips at import is two
    /// skips in a plain run and one that cannot be imported two errors: a report per collector.
    /// Each is a result, from a warm listing and grants, and from the cold path's
    /// `--collect-only` and run.
    @Test func eachCollectorOfAFileCountsAsInAPlainRun() throws {
        let expected: [String: Outcome] = [
            "tests/test_plain.py::test_double": .passed, "tests/test_plain.py::test_plain.double": .passed,
            "tests/test_optional.py": .skipped, "tests/test_optional.py::<collector 2>": .skipped,
            "tests/test_broken.py": .error, "tests/test_broken.py::<collector 2>": .error,
        ]
        // The broken module fails the gate.
        try eachWarmAndColdBuild(of: "pytest-doctest-modules", arguments: ["--retries", "0"], code: 1) { build, outcomes, _, store in
            #expect(outcomes == expected, "\(build): \(outcomes)")
            let stored = try #require(try store.output(build: build, test: "tests/test_broken.py::<collector 2>", attempt: 1))
            let text = String(decoding: try OutputCodec.decompress(stored.lz4, originalSize: stored.size), as: UTF8.self)
            #expect(text.contains("testfleet_fixture_absent_module"), "\(build): the twin carries the collection error: \(text)")
        }
    }

    /// pytest counts a test whose only skips are its subtests' as passed (pathspec 1.1.1 skips
    /// a backend that is not installed in a subtest: 46 of its tests were recorded skipped), and
    /// so do its subtests' xfails (referencing 0.35.1: 12 tests recorded xfailed). A test's own
    /// skip is still a skip. Warm sessions and the cold path (whose JUnit XML cannot
    /// tell the two apart) agree.
    @Test func aTestWhoseSubtestsSkippedPassesAsInAPlainRun() throws {
        let expected: [String: Outcome] = [
            "tests/test_subtests.py::TestBackends::test_some_backends_missing": .passed,
            "tests/test_subtests.py::test_native_subtest_skips": .passed,
            "tests/test_subtests.py::test_native_subtest_xfails": .passed,
            "tests/test_subtests.py::test_no_subtests": .passed,
            "tests/test_subtests.py::test_skips_itself": .skipped,
        ]
        try eachWarmAndColdBuild(of: "pytest-subtests", code: 0) { build, outcomes, _, _ in
            #expect(outcomes == expected, "\(build): \(outcomes)")
        }
    }

    /// Runs `fixture` through `run --local 2 --quiet` (plus `arguments`) warm, a first and a
    /// later build on one store, and cold, expecting exit `code`, and hands each build's
    /// outcomes (one per test), results and store to `check`.
    func eachWarmAndColdBuild(of fixture: String, arguments: [String] = [], code: Int32,
                              _ check: (_ build: String, _ outcomes: [String: Outcome], _ results: [StoredResult],
                                        _ store: Store) throws -> Void) throws {
        try writeSuite(fixture + ".toml", fixture: fixture, command: "python3 -m pytest")
        for (warm, builds) in [("1", ["first", "later"]), ("0", ["cold"])] {
            let db = directory + "/\(fixture)-\(warm).db"
            for build in builds {
                let run = try Testfleet.run(["run", "--local", "2", "--suite", fixture + ".toml", "--db", db, "--build", build, "--quiet"]
                                                + arguments, in: directory, timeout: 300,
                                            environment: ["TESTFLEET_WARM": warm, "TESTFLEET_CACHE": directory + "/cache-\(fixture)-\(warm)"])
                #expect(run.code == code, "\(build): \(run.stderr)")
                let store = try Store(path: db)
                let results = try store.results(build: build)
                try check(build, Dictionary(results.map { ($0.test, $0.outcome) }, uniquingKeysWith: { a, _ in a }), results, store)
            }
        }
    }

    @Test func crashesAndPoisonedStateThroughTheRealBinary() throws {
        // The hanging test is the adapter tests' (PytestWarmTests): here its retries would only cost time.
        try writeSuite("testfleet.toml",
                       command: #"sh -c 'echo \"$*\" >> \"\#(directory)/starts\"; exec python3 -m pytest \"$@\"' pytest"#,
                       env: #", PYTEST_ADDOPTS = "--ignore=tests/test_hang.py""#)
        let run = try Testfleet.run(["run", "--local", "1", "--retries", "1", "--confirm-runs", "0", "--suite", "testfleet.toml",
                                     "--db", "d.db", "--build", "w", "--quiet"], in: directory, timeout: 600,
                                    environment: ["TESTFLEET_WARM": "1", "TESTFLEET_CACHE": directory + "/cache"])
        #expect(run.code == 1, "the segfault and the poison-dependent test fail the gate: \(run.stderr)")
        let store = try Store(path: directory + "/d.db")
        var byTest: [String: [Int: StoredResult]] = [:]
        for result in try store.results(build: "w") { byTest[result.test, default: [:]][result.attempt] = result }

        let crash = "tests/test_crash.py::test_segfaults"
        #expect(byTest[crash]?[1]?.outcome == .error)
        let stored = try #require(try store.output(build: "w", test: crash, attempt: 1))
        let text = String(decoding: try OutputCodec.decompress(stored.lz4, originalSize: stored.size), as: UTF8.self)
        #expect(text.contains("Segmentation fault") && text.contains("test_segfaults"), "its output: \(text)")
        #expect(byTest["tests/test_crash.py::test_after_crash"]?[1]?.outcome == .passed, "the test after the crash ran")
        #expect(byTest["tests/test_crash.py::test_before_crash"]?[1]?.outcome == .passed)

        // Every attempt of the test that needs poisoned state failed: its retry ran in a fresh process.
        let needsPoison = try #require(byTest["tests/test_poison.py::test_needs_poison"])
        #expect(needsPoison.count == 2 && needsPoison.values.allSatisfy { $0.outcome == .failed }, "\(needsPoison)")
        #expect(byTest["tests/test_poison.py::test_poisons"]?[1]?.outcome == .passed)
        #expect(byTest["tests/test_hang.py::test_hangs"] == nil)

        // The module skipped whole is one skipped test, as in a plain pytest run: the session's
        // listing has it, as `pytest --collect-only` would.
        #expect(byTest["tests/test_skipped_module.py"]?[1]?.outcome == .skipped, "\(byTest.keys.sorted())")

        // pytest processes started: the worker's warm session, which collected the whole suite
        // and listed it for the plan (a first build: no `--collect-only` of the run's own), and
        // the one that replaced it after the segfault. The retries ran in the first session's
        // twin fork server, forked from it: no server start of its own.
        let starts = (try String(contentsOfFile: directory + "/starts", encoding: .utf8)).split(separator: "\n")
        #expect(starts.filter { $0.contains("--collect-only") }.isEmpty, "\(starts)")
        #expect(starts.filter { $0.contains("testfleet_warm") }.count == 2, "\(starts)")
        #expect(starts.count == 2, "\(starts)")
    }

    /// A cache directory given relative to where `testfleet run` starts: the test processes run
    /// in their suite's directory, and still find the plugins the cache holds.
    @Test func aRelativeCacheDirectoryStillReachesTheWarmSessions() throws {
        try writeSuite("relative.toml", command: "python3 -m pytest tests/test_handback.py")
        let run = try Testfleet.run(["run", "--local", "1", "--suite", "relative.toml", "--db", "r.db", "--build", "r"],
                                    in: directory, timeout: 300, environment: ["TESTFLEET_WARM": "1", "TESTFLEET_CACHE": "relative-cache"])
        #expect(run.code == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("could not start"), "\(run.stderr)")
        let cached = try FileManager.default.contentsOfDirectory(atPath: directory + "/relative-cache")
        #expect(cached.contains { $0.hasPrefix("testfleet-warm-") }, "\(cached)")
        #expect(try Store(path: directory + "/r.db").results(build: "r").count == 9)
    }
}
