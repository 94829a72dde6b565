import Testing
@testable import Model

/// Homes from a shared listing (pure): each test's home is the share that collected its file.
@Suite struct PlannedBuildHomesTests {
    @Test func testsOfASharedSuiteGetTheirFilesShareAndWorkersTheirs() {
        let suites = [SuiteDefinition(name: "py", adapter: .pytest, directory: "/p"),
                      SuiteDefinition(name: "other", adapter: .pytest, directory: "/o")]
        var planned = PlannedBuild(spec: BuildSpec(id: "b", suite: "s"), suites: suites, tests: [
            TestCase(name: "t/test_a.py::x", suite: 0), TestCase(name: "t/test_b.py::T::y[a::b]", suite: 0),
            TestCase(name: "t/test_b.py::z", suite: 0, arch: .aarch64), TestCase(name: "t/test_a.py::x", suite: 1),
            TestCase(name: "t/test_new.py::w", suite: 0),
        ], grantCost: 0)
        planned.giveHomes(shareOfFile: ["py": ["t/test_a.py": 0, "t/test_b.py": 1]], workers: ["w1", "w2"])
        #expect(planned.tests.map(\.home) == [0, 1, nil, nil, nil])
        #expect(planned.homes == ["w1": 0, "w2": 1])
        var unshared = PlannedBuild(spec: BuildSpec(id: "b", suite: "s"), suites: suites,
                                    tests: [TestCase(name: "t/test_a.py::x", suite: 0)], grantCost: 0)
        unshared.giveHomes(shareOfFile: [:], workers: ["w1", "w2"])
        #expect(unshared.tests[0].home == nil && unshared.homes.isEmpty)
    }
}
