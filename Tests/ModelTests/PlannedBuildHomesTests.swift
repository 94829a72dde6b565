import Testing
@testable import Model

/// Homes (pure): from a shared listing, each test's home is the share that collected its file;
/// in a later build, contiguous runs of a suite's collection order cut where a unit ends.
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

    @Test func aUnitIsTheFileAndItsFirstNameWithoutParameters() {
        #expect(TestFile.unit(of: "t/test_b.py::T::y[a::b]") == "t/test_b.py::T")
        #expect(TestFile.unit(of: "t/test_b.py::f[x::y]") == "t/test_b.py::f")
        #expect(TestFile.unit(of: "t/test_b.py::Outer::Inner::t") == "t/test_b.py::Outer")
        #expect(TestFile.unit(of: "t/test_broken.py") == "t/test_broken.py")
    }

    /// Two workers, one suite in collection order: the runs meet at the unit boundary nearest
    /// half the work; a test that goes out on its own (its own larger key) and a pinned one keep
    /// no home.
    @Test func laterBuildsGetContiguousRunsCutWhereAUnitEnds() {
        func test(_ name: String, _ predicted: Double, groupWork: Double = 100, arch: Arch? = nil) -> TestCase {
            var test = TestCase(name: name, suite: 0, arch: arch)
            test.predicted = predicted
            test.groupWork = groupWork
            return test
        }
        let suites = [SuiteDefinition(name: "py", adapter: .pytest, directory: "/p")]
        var planned = PlannedBuild(spec: BuildSpec(id: "b", suite: "s"), suites: suites, tests: [
            test("f.py::A::a1", 1), test("f.py::A::a2", 1), test("f.py::A::a3", 1),
            test("f.py::B::b1[1]", 1), test("f.py::B::b1[2]", 1),
            test("f.py::long", 30, groupWork: 30), test("g.py::c", 1, arch: .aarch64),
            test("g.py::d", 1), test("g.py::e", 3),
        ], grantCost: 0)
        planned.giveHomes(inRunsOf: [0], workers: ["w1", "w2"])
        // Work A 3, B 2, d 1, e 3 = 9: half is 4.5, and B's end (5) is nearer than A's (3).
        #expect(planned.tests.map(\.home) == [0, 0, 0, 0, 0, nil, nil, 1, 1])
        #expect(planned.homes == ["w1": 0, "w2": 1])

        var one = planned
        one.homes = [:]
        for index in one.tests.indices { one.tests[index].home = nil }
        one.giveHomes(inRunsOf: [0], workers: ["w1"])
        #expect(one.tests.allSatisfy { $0.home == nil } && one.homes.isEmpty)
        var notPytest = one
        notPytest.giveHomes(inRunsOf: [], workers: ["w1", "w2"])
        #expect(notPytest.tests.allSatisfy { $0.home == nil } && notPytest.homes.isEmpty)
    }

    /// Earlier runs are a little lighter, so the worker of an earlier run tends to finish first
    /// and borrow from a later one (in collection order): two workers get 45 % and 55 %, three
    /// 30 %, 33.3 % and 36.7 %.
    @Test func earlierRunsAreLighterSoTheirWorkersBorrowInOrder() {
        #expect(abs(PlannedBuild.share(before: 1, of: 2) - 0.45) < 1e-9)
        #expect(abs(PlannedBuild.share(before: 1, of: 3) - 0.3) < 1e-9)
        #expect(abs(PlannedBuild.share(before: 2, of: 3) - 1.9 / 3) < 1e-9)
        #expect(PlannedBuild.share(before: 3, of: 3) == 1)
        // Twenty equal one-test units: an even split would cut after ten.
        let units: [(unit: Substring, work: Double)] = (0..<20).map { (Substring("u\($0)"), 1) }
        let runs = PlannedBuild.runs(of: units, count: 2)
        #expect(runs.filter { $0 == 0 }.count == 9 && runs.filter { $0 == 1 }.count == 11)
        #expect(runs == runs.sorted())
    }

    @Test func runsForThreeWorkersAndUnitsLargerThanARun() {
        // 6 s of work: the cuts aim at 1.8 s and 3.8 s (30 %, 63.3 %); the nearest boundaries are
        // the ends of a (2 s) and b (3 s), so c and d make the last run.
        let tests: [(unit: Substring, work: Double)] = [("a", 1), ("a", 1), ("b", 1), ("c", 1), ("c", 1), ("d", 1)]
        #expect(PlannedBuild.runs(of: tests, count: 3) == [0, 0, 1, 2, 2, 2])
        let oneUnit: [(unit: Substring, work: Double)] = [("a", 1), ("a", 1), ("a", 1)]
        #expect(PlannedBuild.runs(of: oneUnit, count: 2) == [0, 0, 0])
    }
}
