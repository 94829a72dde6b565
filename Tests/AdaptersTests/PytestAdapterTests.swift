import Foundation
import Model
import Testing
@testable import Adapters

/// Runs the real pytest on Tests/Fixtures/pytest (a project with every outcome kind) and
/// compares with what pytest itself reports on the same project.
@Suite(.serialized) struct PytestAdapterTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/pytest").path
    /// No bytecode or cache files in the fixture; no plugin autoload surprises from this machine.
    static let environment = ["PYTHONDONTWRITEBYTECODE": "1", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"]

    func suite(directory: String = fixture, command: String? = nil, timeout: Double = 60) -> SuiteDefinition {
        SuiteDefinition(name: "fixture", adapter: .pytest, directory: directory, command: command, timeout: timeout,
                        environment: Self.environment)
    }

    func run(_ ids: [String], _ suite: SuiteDefinition, adapter: PytestAdapter = PytestAdapter()) -> [String: AdapterResult] {
        var results: [String: AdapterResult] = [:]
        var reported = 0
        adapter.run(ids, of: suite, attempt: 1) {
            reported += 1
            results[$0.name] = $0
        }
        #expect(reported == Set(ids).count, "one result per requested id")
        return results
    }

    @Test func aBatchPlacesItsTestsInOneProcessInRunOrder() throws {
        let directory = URL(fileURLWithPath: Self.fixture).deletingLastPathComponent().appendingPathComponent("pytest-order").path
        let ids = ["tests/test_order.py::test_a", "tests/test_order.py::test_b", "tests/test_order.py::test_independent"]
        let results = run(ids, suite(directory: directory))
        let places = ids.compactMap { results[$0]?.place }
        #expect(places.count == 3 && Set(places.map(\.process)).count == 1)
        #expect(places.map(\.position) == [0, 1, 2], "pytest ran them in argument order")
        #expect(results[ids[1]]?.outcome == .failed, "test_b ran after test_a in one process")
        // Alone, in a process of its own, test_b passes.
        let alone = run([ids[1]], suite(directory: directory))
        #expect(alone[ids[1]]?.outcome == .passed && alone[ids[1]]?.place?.position == 0)
        #expect(alone[ids[1]]?.place?.process != places[0].process)
    }

    @Test func inventoryKeepsNodeIdsIntactAndListsBrokenModules() throws {
        let ids = try PytestAdapter().inventory(of: suite())
        #expect(ids.count == 18)
        #expect(ids.contains("tests/test_params.py::test_x[ä b-1]"))
        #expect(ids.contains("tests/test_params.py::test_x[日本-3]"))
        #expect(ids.contains("tests/test_params.py::test_odd_ids[a::b]"))
        #expect(ids.contains("tests/test_params.py::test_odd_ids[with [brackets]]"))
        #expect(ids.contains("tests/test_outcomes.py::TestGroup::test_method_fails"))
        #expect(ids.last == "tests/test_collection_error.py")
    }

    /// Found on Pygments 2.21.0 (a suite nobody tuned on): with `--continue-on-collection-errors`
    /// in the command (or the project's addopts), `pytest --collect-only` exits 1, not 2, when a
    /// module fails to import, and the build could not be planned at all.
    @Test func inventoryWithContinueOnCollectionErrorsStillListsTheBrokenModule() throws {
        let plain = try PytestAdapter().inventory(of: suite())
        let continuing = try PytestAdapter().inventory(
            of: suite(command: "python3 -m pytest --continue-on-collection-errors"))
        #expect(continuing == plain)
        #expect(continuing.last == "tests/test_collection_error.py")
    }

    /// Found on traitlets 5.14.3: its addopts say `--color=yes`, which coloured the ERROR lines
    /// that name a module that cannot be imported, and the inventory lost them.
    @Test func inventoryUnderColouredOutputStillListsTheBrokenModule() throws {
        let coloured = try PytestAdapter().inventory(of: suite(command: "python3 -m pytest --color=yes"))
        #expect(coloured == (try PytestAdapter().inventory(of: suite())))
        #expect(coloured.last == "tests/test_collection_error.py")
    }

    @Test func countsPerOutcomeEqualPlainPytest() throws {
        let dir = try TemporaryDirectory()
        // One pytest process per run call: the wrapper counts its invocations.
        let counter = dir.path + "/invocations"
        let command = "sh -c 'echo run >> \"\(counter)\"; exec python3 -m pytest \"$@\"' pytest"
        let definition = suite(command: command)
        let ids = try PytestAdapter().inventory(of: suite())
        try? FileManager.default.removeItem(atPath: counter)
        let results = run(ids, definition)
        #expect(try String(contentsOfFile: counter, encoding: .utf8) == "run\n")

        var ours: [String: Int] = [:]
        for result in results.values { ours[Self.pytestWord(result.outcome), default: 0] += 1 }
        let theirs = try Self.plainPytestSummary()
        #expect(theirs == ["failed": 3, "passed": 8, "skipped": 3, "xfailed": 1, "xpassed": 1, "errors": 2],
                "the fixture has every outcome kind")
        #expect(ours == theirs, "adapter \(ours) vs plain pytest \(theirs)")

        #expect(results["tests/test_params.py::test_x[ä b-1]"]?.outcome == .passed)
        #expect(results["tests/test_params.py::test_x[plain-2]"]?.outcome == .failed)
        #expect(results["tests/test_params.py::test_odd_ids[a::b]"]?.outcome == .passed)
        #expect(results["tests/test_params.py::test_odd_ids[with [brackets]]"]?.outcome == .passed)
        #expect(results["tests/test_params.py::TestParamsInClass::test_n[1]"]?.outcome == .skipped)
        #expect(results["tests/test_outcomes.py::test_expected_failure"]?.outcome == .xfailed)
        #expect(results["tests/test_outcomes.py::test_unexpected_pass"]?.outcome == .xpassed)
        let fails = try #require(results["tests/test_outcomes.py::test_fails"])
        #expect(fails.outcome == .failed)
        #expect(text(fails).contains("arithmetic is broken"))
        #expect(text(fails).contains("output of a failing test"), "captured stdout is kept")
        let fixture = try #require(results["tests/test_outcomes.py::test_error_in_fixture"])
        #expect(fixture.outcome == .error)
        #expect(text(fixture).contains("fixture could not be set up"))
        let broken = try #require(results["tests/test_collection_error.py"])
        #expect(broken.outcome == .error)
        #expect(text(broken).contains("ModuleNotFoundError"))
    }

    @Test func unknownAndUncollectableIdsAreErrorsAndTheRestStillRuns() throws {
        let results = run([
            "tests/test_outcomes.py::test_passes",
            "tests/test_outcomes.py::test_renamed_away",
            "tests/test_collection_error.py::test_never_collected",
            "tests/test_params.py::test_x[日本-3]",
            "tests/test_outcomes.py::test_passes",
        ], suite())
        #expect(results["tests/test_outcomes.py::test_passes"]?.outcome == .passed)
        #expect(results["tests/test_params.py::test_x[日本-3]"]?.outcome == .passed)
        let gone = try #require(results["tests/test_outcomes.py::test_renamed_away"])
        #expect(gone.outcome == .error)
        #expect(text(gone).contains("not found"))
        let uncollectable = try #require(results["tests/test_collection_error.py::test_never_collected"])
        #expect(uncollectable.outcome == .error)
        #expect(text(uncollectable).contains("ModuleNotFoundError"))
    }

    @Test func aHangingBatchIsStoppedKeepingTheResultsPytestFinished() throws {
        let dir = try TemporaryDirectory()
        try "import time\n\ndef test_ok():\n    pass\n\ndef test_hangs():\n    time.sleep(120)\n\ndef test_after():\n    pass\n"
            .write(toFile: dir.path + "/test_hang.py", atomically: true, encoding: .utf8)
        let adapter = PytestAdapter(runner: ProcessRunner(terminationGrace: 3), startupAllowance: 1.5)
        let started = ProcessRunner.now()
        let ids = ["test_hang.py::test_ok", "test_hang.py::test_hangs", "test_hang.py::test_after"]
        let results = run(ids, suite(directory: dir.path, timeout: 1), adapter: adapter)
        #expect(ProcessRunner.now() - started < 12)
        // Batch timeout 1 s × 3 + 1.5 s; SIGINT lets pytest write the XML of what finished.
        #expect(results["test_hang.py::test_ok"]?.outcome == .passed)
        for id in ["test_hang.py::test_hangs", "test_hang.py::test_after"] {
            let result = try #require(results[id])
            #expect(result.outcome == .error)
            #expect(text(result).contains("timed out after 4.5s"), "\(text(result))")
        }
    }

    @Test func projectAddoptsWithQuietAndExitFirstDoNotChangeTheResults() throws {
        let dir = try TemporaryDirectory()
        try "[pytest]\naddopts = -q -x\n".write(toFile: dir.path + "/pytest.ini", atomically: true, encoding: .utf8)
        try "def test_a():\n    assert False\n\ndef test_b():\n    pass\n"
            .write(toFile: dir.path + "/test_m.py", atomically: true, encoding: .utf8)
        let definition = suite(directory: dir.path)
        let ids = try PytestAdapter().inventory(of: definition)
        #expect(ids == ["test_m.py::test_a", "test_m.py::test_b"])
        let results = run(ids, definition)
        #expect(results["test_m.py::test_a"]?.outcome == .failed)
        #expect(results["test_m.py::test_b"]?.outcome == .passed, "-x must not stop the batch")
    }

    @Test func inventoryFailureIsATestfleetErrorWithPytestsOutput() throws {
        let dir = try TemporaryDirectory()
        #expect(throws: TestfleetError.self) { try PytestAdapter().inventory(of: suite(directory: dir.path, command: "python3 -m pytest --no-such-flag")) }
        #expect(throws: ProcessRunnerError.self) { try PytestAdapter().inventory(of: suite(directory: dir.path + "/missing")) }
        // An empty project is an empty inventory, not an error.
        #expect(try PytestAdapter().inventory(of: suite(directory: dir.path)) == [])
    }

    func text(_ result: AdapterResult) -> String { String(decoding: result.output, as: UTF8.self) }

    static func pytestWord(_ outcome: Outcome) -> String {
        switch outcome {
        case .passed: "passed"
        case .failed: "failed"
        case .error: "errors"
        case .skipped: "skipped"
        case .xfailed: "xfailed"
        case .xpassed: "xpassed"
        }
    }

    /// Runs plain pytest on the fixture and reads its final summary line, e.g.
    /// `3 failed, 8 passed, 3 skipped, 1 xfailed, 1 xpassed, 2 errors in 0.67s`.
    static func plainPytestSummary() throws -> [String: Int] {
        let run = try ProcessRunner().run(
            .shell("python3 -m pytest -p no:cacheprovider --continue-on-collection-errors"), in: fixture,
            environment: environment, timeout: 120)
        let output = String(decoding: run.output, as: UTF8.self)
        let summary = try #require(output.split(separator: "\n").last { $0.contains(" in ") && $0.contains("passed") })
        var counts: [String: Int] = [:]
        let body = summary.trimmingCharacters(in: CharacterSet(charactersIn: "= "))
        for part in body.components(separatedBy: " in ")[0].components(separatedBy: ", ") {
            let words = part.split(separator: " ")
            guard words.count == 2, let number = Int(words[0]) else { continue }
            let word = words[1] == "error" ? "errors" : String(words[1])
            counts[word] = number
        }
        return counts
    }
}
