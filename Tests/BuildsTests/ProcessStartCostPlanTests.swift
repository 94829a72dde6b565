import Foundation
import Model
import Store
import Testing
@testable import Builds

/// Planning a real pytest project after builds whose first attempts show what a test process
/// costs (`ProcessStartCost`): a suite whose extra processes cost seconds of test time keeps its
/// long test in collection order; one whose processes cost nothing sends it ahead as before.
@Suite struct ProcessStartCostPlanTests {
    let directory: String
    let store: Store
    static let long = "test_m.py::test_long"
    static let short = (0..<19).map { "test_m.py::test_s\($0)" }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-pcost-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/project", withIntermediateDirectories: true)
        store = try Store(path: directory + "/d.db")
        let source = (["def test_s\(0)():\n    pass\n", "def test_long():\n    pass\n"]
            + (1..<19).map { "def test_s\($0)():\n    pass\n" }).joined(separator: "\n")
        try source.write(toFile: directory + "/project/test_m.py", atomically: true, encoding: .utf8)
        try """
            [[suite]]
            name = "py"
            adapter = "pytest"
            dir = "\(directory)/project"
            env = { PYTHONDONTWRITEBYTECODE = "1", PYTEST_DISABLE_PLUGIN_AUTOLOAD = "1" }
            """.write(toFile: directory + "/py.toml", atomically: true, encoding: .utf8)
    }

    /// A finished build of the suite: test_long took 5 s; the short tests `short` seconds each,
    /// spread over `processes` processes.
    func record(_ id: String, processes: Int64, short seconds: Double, sessionSetUp: Double = 0) throws {
        try store.createBuild(BuildSpec(id: id, suite: directory + "/py.toml"), testCount: 20)
        let names = [Self.short[0], Self.long] + Self.short.dropFirst()
        try store.recordResults(build: id, names.enumerated().map { index, name in
            TestResult(test: name, attempt: 1, outcome: .passed, duration: name == Self.long ? 5 : seconds, worker: "w",
                       arch: .current, place: RunPlace(process: 1 + Int64(index) % processes, position: index),
                       sharedSetup: index < processes ? sessionSetUp : 0)
        })
        try store.finishBuild(id, verdict: .pass)
        TimingHistory.fold(store: store, build: id)
    }

    func planned() throws -> PlannedBuild {
        try BuildLifecycle(store: store, refresh: nil).plan(BuildSpec(id: "next", suite: directory + "/py.toml"))
    }

    @Test func aSuiteWhoseProcessesCostSecondsKeepsItsLongTestInOrder() throws {
        try record("in-order", processes: 2, short: 0.05)
        // Six processes: each paid 0.8 s of a table the first test to need it builds.
        try record("moved", processes: 6, short: 0.05 + 0.8 * 6 / 19)
        let plan = try planned()
        #expect(Set(plan.tests.map(\.groupWork)).count == 1, "\(plan.tests.map { ($0.name, $0.groupWork) })")
    }

    /// Builds that all ran in order (as many processes each) show no contrast once the evidence
    /// is older than the recent builds compared: the suite's kept verdict still holds.
    @Test func theVerdictOutlivesItsEvidence() throws {
        try record("in-order", processes: 2, short: 0.05)
        try record("moved", processes: 6, short: 0.05 + 0.8 * 6 / 19)
        _ = try planned()
        for build in 0..<8 { try record("kept-\(build)", processes: 2, short: 0.05) }
        let plan = try planned()
        #expect(Set(plan.tests.map(\.groupWork)).count == 1, "\(plan.tests.map { ($0.name, $0.groupWork) })")
        // New evidence that processes cost nothing replaces it.
        try record("moved-cheaply", processes: 6, short: 0.05)
        let after = try planned()
        let long = try #require(after.tests.first { $0.name == Self.long })
        #expect(long.groupWork == long.predicted, "\(after.tests.map { ($0.name, $0.groupWork) })")
    }

    @Test func aSuiteWhoseProcessesCostNothingSendsItsLongTestAhead() throws {
        try record("in-order", processes: 2, short: 0.05)
        try record("moved", processes: 6, short: 0.05)
        let plan = try planned()
        let long = try #require(plan.tests.first { $0.name == Self.long })
        #expect(long.groupWork == long.predicted, "\(plan.tests.map { ($0.name, $0.groupWork) })")
        #expect(plan.tests.filter { $0.groupWork == long.groupWork }.count == 1)
    }

    /// A process of its own makes the suite's session fixtures again: a 5 s test is not sent
    /// ahead of a suite whose processes each spend 6 s on them, as it is at 1 s.
    @Test func aLongTestShorterThanANewProcessesSetUpStaysInOrder() throws {
        try record("one", processes: 2, short: 0.05, sessionSetUp: 6)
        let plan = try planned()
        #expect(plan.processSetupSeconds == 6)
        #expect(Set(plan.tests.map(\.groupWork)).count == 1, "\(plan.tests.map { ($0.name, $0.groupWork) })")
    }

    @Test func aLongTestLongerThanANewProcessesSetUpGoesAhead() throws {
        try record("one", processes: 2, short: 0.05, sessionSetUp: 1)
        let plan = try planned()
        #expect(plan.processSetupSeconds == 1)
        let long = try #require(plan.tests.first { $0.name == Self.long })
        #expect(long.groupWork == long.predicted, "\(plan.tests.map { ($0.name, $0.groupWork) })")
    }
}
