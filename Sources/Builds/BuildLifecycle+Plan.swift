import Adapters
import Config
import Foundation
public import Model
import Planning
import Selection
import Store

extension BuildLifecycle {
    /// Turns a build spec into a planned build: the suites (a `sim:` spec, or the suite file,
    /// read once for its suites and its `[rules]`), impact selection (`--base/--head`), each
    /// suite's inventory from its adapter (or the inventory cache), and a prediction per test.
    /// Input that cannot be used is a bad-input error naming it.
    public func plan(_ spec: BuildSpec) throws(TestfleetError) -> PlannedBuild {
        let file: SuiteFile?
        let suites: [SuiteDefinition]
        if spec.isSimulated {
            file = nil
            suites = [.simulated(try SimulatedSuite(parsing: spec.suite))]
        } else {
            let loaded = try SuiteFile.load(path: spec.suite)
            file = loaded
            suites = loaded.suites
        }
        var selection: SelectionFilter? = nil
        if let file { selection = try SelectionFilter(spec: spec, file: file, root: root) }
        if let selection, selection.rebaseRequired != nil {  // refused before any test runs
            return PlannedBuild(spec: spec, suites: suites, tests: [], grantCost: 0, selection: selection.record)
        }
        var adapters: [any TestAdapter] = []
        var tests: [TestCase] = []
        for (index, suite) in suites.enumerated() {
            guard let adapter = AdapterRegistry.adapter(for: suite.adapter) else {
                throw .badInput("suite '\(suite.name)': the \(suite.adapter.rawValue) adapter is not available in this build of testfleet")
            }
            adapters.append(adapter)
            let names = try Self.testNames(of: suite, adapter: adapter, store: store, handed: handedInventory,
                                           fingerprint: inventoryFingerprints[InventoryCache.key(suite)])
            for name in names where selection?.keep(suite: suite.name, test: name) ?? true {
                switch suite.arch {
                case .any: tests.append(TestCase(name: name, suite: index))
                case .only(let arch): tests.append(TestCase(name: name, suite: index, arch: arch))
                case .every:
                    // One run per listed architecture, told apart by name so each has its own results.
                    for arch in suite.arches { tests.append(TestCase(name: PerArchName.copy(of: name, for: arch), suite: index, arch: arch)) }
                }
            }
        }
        if let problem = PlannedBuild.duplicateNameProblem(tests, suites: suites) { throw .badInput(problem) }
        var firstBuild = false
        let processSetup = tests.isEmpty ? 0 : processSetupSeconds(spec)
        if !tests.isEmpty {
            firstBuild = try predict(&tests, adapters: adapters, spec: spec, processSetup: processSetup,
                                     lapse: file.map { KnownBreakLapse(file: $0, root: root, remote: spec.repository) })
        }
        let cost = adapters.map(\.grantCost).max() ?? 0
        return PlannedBuild(spec: spec, suites: suites, tests: tests, grantCost: cost, selection: selection?.record,
                            firstBuild: firstBuild, processSetupSeconds: processSetup)
    }

    /// What a new test process of `spec`'s suites paid for its session-scoped fixtures in the
    /// suite file's previous build (`Store.processSetupSeconds`); 0 when the store cannot say.
    func processSetupSeconds(_ spec: BuildSpec) -> Double {
        spec.isSimulated ? 0 : (try? store.processSetupSeconds(suite: spec.suite)) ?? 0
    }

    /// The suite's test names, from the inventory cache, else from `handedInventory`, else from
    /// its adapter; a suite that cannot be listed is bad input. `fingerprint`: the suite's
    /// inventory fingerprint when it was just taken.
    static func testNames(of suite: SuiteDefinition, adapter: any TestAdapter, store: Store,
                          handed: (@Sendable (SuiteDefinition) -> [String]?)? = nil,
                          fingerprint: String? = nil) throws(TestfleetError) -> [String] {
        do {
            return try InventoryCache.names(for: suite, extensions: adapter.inventoryFileExtensions, store: store,
                                            fingerprint: fingerprint) {
                try handed?(suite) ?? adapter.inventory(of: suite)
            }
        } catch let error as TestfleetError { throw error } catch {
            throw .badInput("suite '\(suite.name)': could not list its tests: \(error)")
        }
    }

    /// The pytest suites of `spec` whose test list the inventory cache does not hold now: the
    /// next `plan(_:)` collects them (or takes them from `handedInventory`). Empty for a
    /// simulated spec, and for a suite file that cannot be read (planning reports that). Also
    /// the fingerprints it took, for `inventoryFingerprints`: walking a large repository's files
    /// once per build is enough.
    public func pytestSuitesToList(_ spec: BuildSpec) -> (suites: [SuiteDefinition], fingerprints: [String: String]) {
        guard !spec.isSimulated, let file = try? SuiteFile.load(path: spec.suite) else { return ([], [:]) }
        var fingerprints: [String: String] = [:]
        let extensions = AdapterRegistry.adapter(for: .pytest)?.inventoryFileExtensions
        let suites = file.suites.filter { suite in
            guard suite.adapter == .pytest else { return false }
            let check = InventoryCache.check(suite, extensions: extensions, store: store)
            if let fingerprint = check.fingerprint { fingerprints[InventoryCache.key(suite)] = fingerprint }
            return !check.cached
        }
        return (suites, fingerprints)
    }

    /// Predictions from the timing history (each framework's typical duration where nothing is
    /// known) plus the framework's per-test overhead, then collection order for frameworks that
    /// collect every file they are given, and the tests that failed every attempt of the suite's
    /// previous build first. `lapse`, where the repository is at hand, lifts the known breaks that
    /// the change since the previous build can affect; `affected`, where `submit` measured that
    /// change in its checkout, names them instead. Returns whether the suite has no previous
    /// build (`PlannedBuild.firstBuild`).
    func predict(_ tests: inout [TestCase], adapters: [any TestAdapter], spec: BuildSpec, processSetup: Double = 0,
                 lapse: KnownBreakLapse? = nil,
                 affected: AffectedFailures? = nil) throws(TestfleetError) -> Bool {
        let model: TimingModel
        do { model = try TimingHistory.model(store: store) } catch { throw TestfleetError(error) }
        model.assignPredictions(to: &tests, anyArchAs: .current,
                                fallbackBySuite: adapters.map { $0.typicalTestSeconds ?? TimingModel.fallbackSeconds })
        let overheads = adapters.map(\.testOverheadSeconds)
        if overheads.contains(where: { $0 > 0 }) {
            for index in tests.indices { tests[index].predicted += overheads[tests[index].suite] }
        }
        let grouped = Set(adapters.indices.filter { adapters[$0].fileCollectionSeconds != nil })
        if !grouped.isEmpty {
            let overhead = grouped.compactMap { adapters[$0].fileCollectionSeconds }.max() ?? 0
            // Long tests go ahead in processes of their own unless a process costs the suite's
            // tests seconds of their own (`ProcessStartCost`), and only those longer than the
            // session set-up such a process makes again: moved, a shorter one costs more work
            // than the tail it may save.
            let keepsOrder = keepsCollectionOrder(suite: spec.suite)
            let solo = max(max(overhead, 0.001) * CollectionOrder.soloFactor, processSetup)
            tests = CollectionOrder.arrange(tests, suites: grouped, fileOverhead: overhead,
                                            soloSeconds: keepsOrder ? .infinity : solo)
        }
        // The previous build's failures as its gate saw them (`Store.summary`): every attempt
        // failed. A test that passed on a retry keeps its place (see `FailedFirst`). Those that
        // never passed are `neverPassed` (retried only while the build may pass, in a broad
        // break: `BuildState.retriedTestsOnceLost`), and those that never passed in a build's
        // worth of runs are known breaks: no confirmation runs. Either lapses for a test the
        // change since the previous build can affect: the change may be its fix.
        do {
            guard let previous = try store.previousRun(suite: spec.suite) else {
                for index in tests.indices { tests[index].neverPassed = true }
                return true
            }
            let failed = Set(previous.failures)
            FailedFirst.prioritise(&tests, failed: failed)
            guard spec.maxAttempts > 1 || spec.confirmAttempts > 0, !failed.isEmpty,
                  failed.count <= TestCase.neverPassedLookups else { return false }
            let failures = try store.failuresOfNeverPassed(among: previous.failures)
            var never = Set(failures.keys)
            if !never.isEmpty, let commit = spec.commit, let before = previous.commit, before != commit {
                if let affected {
                    never.subtract(affected.tests)
                } else if let touched = lapse?.touched(never, of: tests, from: before, to: commit) {
                    never.subtract(touched)
                }
            }
            // A known break needs confirmation runs to skip and a build's worth of failures.
            let knownBreaks = spec.confirmAttempts > 0 && failed.count <= TestCase.knownBreakLookups
            let buildsWorth = spec.maxAttempts + spec.confirmAttempts
            for index in tests.indices where never.contains(tests[index].name) {
                tests[index].neverPassed = true
                tests[index].knownBreak = knownBreaks && failures[tests[index].name, default: 0] >= buildsWorth
            }
            return false
        } catch {
            throw TestfleetError(error)
        }
    }
}
