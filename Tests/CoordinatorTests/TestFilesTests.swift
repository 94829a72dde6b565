@testable import Coordinator
import Model
import Testing
import Wire

/// Each worker's first lease of a pytest suite's first attempts carries the files of the
/// build's tests, for its warm sessions to import as a plain run does; later leases, retries and
/// other frameworks carry none.
@Suite struct TestFilesTests {
    func start(_ fleet: FleetHarness, adapter: AdapterKind, tests: [String]) {
        let spec = BuildSpec(id: "b1", suite: "suite.toml", maxAttempts: 2)
        let suite = SuiteDefinition(name: "py", adapter: adapter, directory: "/")
        fleet.core.start(PlannedBuild(spec: spec, suites: [suite], tests: tests.map { TestCase(name: $0, suite: 0) }, grantCost: 0.1),
                         stored: [:], watcher: nil, now: fleet.now)
        fleet.drain()
    }

    @Test func theFirstLeaseOfEachWorkerCarriesTheBuildsFilesInOrderOnce() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.hello("w2")
        let tests = (0..<40).map { "tests/test_b.py::t\($0)" } + (0..<40).map { "tests/test_a.py::T::t[\($0)::x]" }
            + ["tests/test_broken.py"]
        start(fleet, adapter: .pytest, tests: tests)
        for worker in ["w1", "w2"] {
            let leases = fleet.assigns(to: worker)
            let first = try #require(leases.first)
            #expect(first.modules == ["tests/test_b.py", "tests/test_a.py", "tests/test_broken.py"], "\(worker)")
            // Later leases of first attempts carry none.
            for lease in leases.dropFirst() { #expect(lease.modules.isEmpty) }
        }
        // A retry carries none either.
        let first = try #require(fleet.assigns(to: "w1").first)
        let before = fleet.effects.count
        fleet.report("w1", first, .failed)
        let retries = fleet.assigns(to: "w2", in: Array(fleet.effects[before...]))
        #expect(!retries.isEmpty && retries.allSatisfy { $0.modules.isEmpty })
    }

    @Test func otherFrameworksGetNoFiles() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        start(fleet, adapter: .go, tests: ["pkg.TestA", "pkg.TestB"])
        #expect(fleet.assigns(to: "w1").allSatisfy { $0.modules.isEmpty })
    }

    @Test func aNodeIDsFileIsItsPathUpToTheFirstSeparator() {
        #expect(TestFile.of("tests/test_x.py::T::t[a::b]") == "tests/test_x.py")
        #expect(TestFile.of("tests/test_x.py") == "tests/test_x.py")
        #expect(TestFile.of("tests/test_x.py::t") == "tests/test_x.py")
    }
}
