import Builds
import Foundation
import Model
import Store
import Testing

/// The build lifecycle on a real SQLite file: planning from a real suite file, finishing a build
/// once however often it is asked to.
@Suite struct BuildLifecycleTests {
    let directory: String
    let store: Store

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-builds-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store = try Store(path: directory + "/d.db")
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func finishingTwiceJudgesAgainButStoresAndFoldsOnce() throws {
        let spec = BuildSpec(id: "b1", suite: "sim:2")
        try store.createBuild(spec, testCount: 2)
        try store.recordResults(build: "b1", [
            TestResult(test: "t1", attempt: 1, outcome: .passed, duration: 0.5, worker: "w", arch: .current),
            TestResult(test: "t2", attempt: 1, outcome: .passed, duration: 0.25, worker: "w", arch: .current),
        ])
        let lifecycle = BuildLifecycle(store: store, refresh: nil)
        let first = try lifecycle.finish(build: "b1")
        #expect(first.verdict == .pass)
        #expect(try store.build("b1")?.verdict == "pass")
        let again = try lifecycle.finish(build: "b1")
        #expect(again.verdict == .pass)
        let samples = try store.timingRecords { test, _, _, _, samples in (test, samples) }
        #expect(samples.sorted { $0.0 < $1.0 }.map(\.1) == [1, 1], "one sample per test, not one per finish")
    }

    @Test func anUnknownBuildIsBadInputNamingIt() throws {
        let lifecycle = BuildLifecycle(store: store, refresh: nil)
        let error = try #require(throws: TestfleetError.self) { try lifecycle.verdict(of: "nope") }
        #expect(error.code == .badInput)
        #expect(error.message.contains("'nope'"))
    }

    @Test func twoSuitesListingOneTestNameAreBadInputNamingBoth() throws {
        // A build knows a test by its name: before, `run` waited forever for the second copy.
        let path = try write("testfleet.toml", """
            [[suite]]
            name = "fast"
            adapter = "shell"
            [suite.tests]
            t1 = "true"
            [[suite]]
            name = "slow"
            adapter = "shell"
            [suite.tests]
            t2 = "true"
            t1 = "sleep 1"
            """)
        let lifecycle = BuildLifecycle(store: store, refresh: nil)
        let error = try #require(throws: TestfleetError.self) { try lifecycle.plan(BuildSpec(id: "dup", suite: path)) }
        #expect(error.code == .badInput)
        #expect(error.message.contains("test 't1'") && error.message.contains("'fast' and 'slow'"), "\(error.message)")
    }

    @Test func planTakesEachFrameworksCostsFromItsAdapter() throws {
        let path = try write("testfleet.toml", """
            [[suite]]
            name = "unit"
            adapter = "shell"
            [suite.tests]
            t1 = "true"
            t2 = "true"
            """)
        let lifecycle = BuildLifecycle(store: store, refresh: nil)
        let shell = try lifecycle.plan(BuildSpec(id: "p1", suite: path))
        #expect(shell.tests.map(\.name) == ["t1", "t2"])
        #expect(shell.grantCost == 0.005)
        #expect(shell.tests.allSatisfy { $0.predicted == 1.0 }, "no history, no typical duration: the timing model's fallback")
        let simulated = try lifecycle.plan(BuildSpec(id: "p2", suite: "sim:3"))
        #expect(simulated.tests.count == 3)
        #expect(simulated.grantCost == 0.000_2)
    }

    /// pytest's per-test overhead (its hooks, the result's trip) sits on every prediction, and
    /// loading a file on the first test of each file in collection order.
    @Test func pytestPredictionsCountItsPerTestOverhead() throws {
        let project = directory + "/project"
        try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
        try "def test_a():\n    pass\n\ndef test_b():\n    pass\n".write(toFile: project + "/test_m.py", atomically: true, encoding: .utf8)
        let path = try write("py.toml", """
            [[suite]]
            name = "py"
            adapter = "pytest"
            dir = "\(project)"
            env = { PYTHONDONTWRITEBYTECODE = "1", PYTEST_DISABLE_PLUGIN_AUTOLOAD = "1" }
            """)
        let planned = try BuildLifecycle(store: store, refresh: nil).plan(BuildSpec(id: "p", suite: path))
        #expect(planned.tests.map(\.name) == ["test_m.py::test_a", "test_m.py::test_b"])
        let typical = 0.05, overhead = 0.000_5, fileLoad = 0.025
        #expect(abs(planned.tests[0].predicted - (typical + overhead + fileLoad)) < 1e-9, "\(planned.tests[0].predicted)")
        #expect(abs(planned.tests[1].predicted - (typical + overhead)) < 1e-9, "\(planned.tests[1].predicted)")
    }

    @Test func aSuiteFileWithABadKeyIsBadInputNamingTheKey() throws {
        let path = try write("bad.toml", """
            [[suite]]
            name = "unit"
            adapter = "shell"
            colour = "blue"
            """)
        let error = try #require(throws: TestfleetError.self) {
            try BuildLifecycle(store: store, refresh: nil).plan(BuildSpec(id: "p3", suite: path))
        }
        #expect(error.code == .badInput)
        #expect(error.message.contains("colour"))
    }

    /// A test that failed every run it ever had, a build's worth with confirmation runs at least,
    /// is planned as a known break; one that passed once, or failed fewer runs, is not. Every
    /// test of the previous build's failures with no pass is planned as never passed.
    @Test func planMarksThePreviousBuildsNeverPassingTestsAsKnownBreaks() throws {
        let path = try write("testfleet.toml", """
            [[suite]]
            name = "unit"
            adapter = "shell"
            [suite.tests]
            broken = "false"
            young = "false"
            relapsed = "false"
            fine = "true"
            """)
        let lifecycle = BuildLifecycle(store: store, refresh: nil)
        func attempts(_ test: String, _ outcomes: [Outcome]) -> [TestResult] {
            outcomes.enumerated().map {
                TestResult(test: test, attempt: $0.offset + 1, outcome: $0.element, duration: 0.01, worker: "w", arch: .current)
            }
        }
        func finished(_ id: String, _ results: [TestResult]) throws {
            try store.createBuild(BuildSpec(id: id, suite: path, maxAttempts: 3, confirmAttempts: 5), testCount: 4)
            try store.recordResults(build: id, results)
            _ = try lifecycle.finish(build: id)
        }
        let eight = [Outcome](repeating: .failed, count: 8)
        // The suite's first build: nothing stored, so no test has passed.
        let first = try lifecycle.plan(BuildSpec(id: "b0", suite: path, maxAttempts: 3, confirmAttempts: 5))
        #expect(first.tests.allSatisfy { $0.neverPassed })
        #expect(first.firstBuild)
        // A coordinator accepting a plan `submit` made plans it again from its own store.
        var handed = first
        handed.firstBuild = false
        #expect(try lifecycle.accept(handed).firstBuild)
        try finished("b1", attempts("relapsed", [.passed]) + attempts("fine", [.passed]))
        try finished("b2", attempts("broken", eight) + attempts("young", [.failed, .failed, .failed])
                         + attempts("relapsed", eight) + attempts("fine", [.passed]))

        let planned = try lifecycle.plan(BuildSpec(id: "b3", suite: path, maxAttempts: 3, confirmAttempts: 5))
        #expect(planned.tests.filter(\.knownBreak).map(\.name) == ["broken"])
        // Those without a pass, however few their runs, lose their retries in a broad break.
        #expect(planned.tests.filter(\.neverPassed).map(\.name).sorted() == ["broken", "young"])
        #expect(!planned.firstBuild)
        #expect(try !lifecycle.accept(planned).firstBuild)
        // Without confirmation runs there is nothing to leave out.
        let plain = try lifecycle.plan(BuildSpec(id: "b4", suite: path, maxAttempts: 1))
        #expect(plain.tests.filter(\.knownBreak).isEmpty)
    }
}
