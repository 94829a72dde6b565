import Model
import Testing
import Wire

/// The fields a fleet build added to `submit`, `assign` and `results` survive the wire.
@Suite struct WorkspaceMessageTests {
    @Test func aPlannedSubmitWithItsBundleRoundTrips() throws {
        var suite = SuiteDefinition(name: "unit", adapter: .pytest, directory: "/ci/checkout/py")
        suite.setup = "python3 -m pip install -e ."
        suite.setupTimeout = 120
        suite.repositoryPath = "py"
        let spec = BuildSpec(id: "b", suite: "testfleet.toml", commit: String(repeating: "a", count: 40),
                             repository: "https://git.example.com/shop.git", bundle: "sha256-00")
        var test = TestCase(name: "tests/test_a.py::test_one", suite: 0, predicted: 0.5, arch: .aarch64)
        test.groupWork = 1.5
        test.knownBreak = true
        let selection = BuildSelection(base: "x", head: "y", diffBase: "x", selectedCount: 1, skippedCount: 1,
                                       skipped: [.init(suite: "unit", test: "tests/test_b.py::t", reason: "no path reaches it")])
        var plan = PlannedBuild(spec: spec, suites: [suite], tests: [test], grantCost: 0.4, selection: selection)
        let submit = Submit(spec: spec, plan: plan, bundleData: [1, 2, 3])
        #expect(try Message.decode(Message.submit(submit).encode()) == .submit(submit))
        // The known breaks the change since the previous build can affect, as submit measured them.
        plan.affectedFailures = AffectedFailures(since: String(repeating: "c", count: 40), tests: ["tests/test_a.py::test_one"])
        let measured = Submit(spec: spec, plan: plan)
        #expect(try Message.decode(Message.submit(measured).encode()) == .submit(measured))
        plan.affectedFailures = AffectedFailures(since: String(repeating: "c", count: 40), tests: [])
        let nothingAffected = Submit(spec: spec, plan: plan)
        #expect(try Message.decode(Message.submit(nothingAffected).encode()) == .submit(nothingAffected))
    }

    @Test func anAssignCarriesItsWorkspaceAndAResultBatchItsFault() throws {
        let suite = SuiteDefinition(name: "unit", adapter: .shell, directory: "/")
        let source = WorkspaceSource(commit: String(repeating: "b", count: 40), bundle: "sha256-11", bundleData: [9, 9])
        let assign = Assign(lease: 7, build: "b", suite: suite, deadlineMilliseconds: 5000,
                            tests: [GrantedTest(name: "t", attempt: 1)], workspace: source)
        #expect(try Message.decode(Message.assign(assign).encode()) == .assign(assign))
        let batch = ResultBatch(lease: 7, build: "b", sequence: 3, results: [],
                                fault: WorkspaceFault(worker: "w1", message: "cannot fetch"))
        #expect(try Message.decode(Message.results(batch).encode()) == .results(batch))
    }
}
