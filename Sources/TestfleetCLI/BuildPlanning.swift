import Adapters
import Config
import Coordinator
import Foundation
import Model
import Planning
import Selection
import Store

/// Turns a build spec into a planned build: the suites (a `sim:` spec or a suite file), each
/// suite's inventory from its adapter, and a prediction per test.
struct BuildPlanning: Sendable {
    let store: Store
    /// A directory in the git repository for `--base/--head` selection (default: the suite file's).
    var root: String? = nil

    func plan(_ spec: BuildSpec) throws -> PlannedBuild {
        let suites = try Self.suites(for: spec.suite)
        var selection = try SelectionFilter(spec: spec, root: root)
        if let selection, selection.rebaseRequired != nil {  // refused before any test runs
            return PlannedBuild(spec: spec, suites: suites, tests: [], grantCost: 0, selection: selection.record)
        }
        var tests: [TestCase] = []
        for (index, suite) in suites.enumerated() {
            guard let adapter = AdapterRegistry.adapter(for: suite.adapter) else {
                throw SpecError("suite '\(suite.name)': the \(suite.adapter.rawValue) adapter is not available in this build of testfleet")
            }
            let names: [String]
            do {
                names = try InventoryCache.names(for: suite, store: store) { try adapter.inventory(of: suite) }
            } catch let error as SpecError { throw error } catch {
                throw SpecError("suite '\(suite.name)': could not list its tests: \(error)")
            }
            for name in names where selection?.keep(suite: suite.name, test: name) ?? true {
                switch suite.arch {
                case .any: tests.append(TestCase(name: name, suite: index))
                case .only(let arch): tests.append(TestCase(name: name, suite: index, arch: arch))
                case .every:
                    // One run per architecture, told apart by name so each has its own results.
                    for arch in Arch.allCases { tests.append(TestCase(name: PerArchName.copy(of: name, for: arch), suite: index, arch: arch)) }
                }
            }
        }
        if !tests.isEmpty {
            try TimingHistory.model(store: store).assignPredictions(
                to: &tests, anyArchAs: .current, fallbackBySuite: suites.map { Self.typicalTestSeconds(of: $0.adapter) })
            // pytest collects (imports) every module a process is given: grants of whole modules
            // collect each module once, where longest-first across modules re-collects them.
            tests = FileGrouping.group(tests, suites: Set(suites.indices.filter { suites[$0].adapter == .pytest }),
                                       fileOverhead: Self.pytestModuleSeconds)
        }
        let cost = suites.map { Self.grantCost(of: $0.adapter) }.max() ?? 0
        return PlannedBuild(spec: spec, suites: suites, tests: tests, grantCost: cost, selection: selection?.record)
    }

    /// The suites named by a spec: `sim:…` or a path to a suite file.
    static func suites(for spec: String) throws(SpecError) -> [SuiteDefinition] {
        if spec.hasPrefix("sim:") { return [.simulated(try SimulatedSuite(parsing: spec))] }
        return try SuiteFile.load(path: spec).suites
    }

    /// The prediction for a test with no history anywhere (not even its file's or suite's). Unit
    /// tests of a framework take milliseconds: predicting the timing model's generic 1 s for
    /// them made a first build's chunks shrink to a couple of tests, one process start-up each.
    static func typicalTestSeconds(of adapter: AdapterKind) -> Double {
        switch adapter {
        case .pytest, .go, .swift: 0.05
        case .simulated, .shell: TimingModel.fallbackSeconds
        }
    }

    /// What collecting one module costs a pytest process beyond its tests' own durations (which
    /// pytest's JUnit XML reports without it): `pytest --collect-only` of networkx 3.6.1 takes
    /// 5.8 s for 265 modules on this machine kind, 22 ms each.
    static let pytestModuleSeconds = 0.025

    /// Seconds one grant costs before its first test runs: sizes the scheduler's chunks.
    static func grantCost(of adapter: AdapterKind) -> Double {
        switch adapter {
        case .simulated: 0.000_2
        case .shell: 0.005
        case .pytest: 0.5
        case .go: 0.5
        case .swift: 2
        }
    }
}
