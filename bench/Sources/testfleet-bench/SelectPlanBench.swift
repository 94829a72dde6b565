// bench/run select-plan: impact selection and planning of a 1,000,000-test build on a SYNTHETIC
// pytest project (10,000 test files of 100 tests each, 10,000 source modules), for several
// changes, against the same run's plan of all 1,000,000 tests without selection (the baseline,
// `bench/run plan`'s work). Timed per change: building the import graph from the sources (in
// memory: git's blob reading is not timed), `ImpactSelector.select`, `ImpactSelection.Filter`
// over the million adapter test names (what `run --base --head` does), then the plan of the
// selected tests (timing model, predictions, queue, every grant to 64 simulated workers).
import Foundation
import SelectionSources
import Model
import Planning
import Selection

enum SelectPlanBench {
    static let files = 10_000
    static let modules = 10_000

    /// SYNTHETIC sources: module k (`app/pkgP/modM.py`, 100 per package) imports 3 seeded earlier
    /// modules; test file f imports 2 seeded modules. Test files are named like `PlanBench.name`.
    static func syntheticSources() -> [(path: String, bytes: Data)] {
        func module(_ k: Int) -> String { "app.pkg\(k / 100).mod\(k % 100)" }
        func path(_ k: Int) -> String { "app/pkg\(k / 100)/mod\(k % 100).py" }
        var sources: [(path: String, bytes: Data)] = [("app/__init__.py", Data()), ("tests/__init__.py", Data())]
        for package in 0..<(modules / 100) {
            sources.append(("app/pkg\(package)/__init__.py", Data()))
            sources.append(("tests/pkg\(package)/__init__.py", Data()))
        }
        for k in 0..<modules {
            var text = "\"\"\"Synthetic module \(k).\"\"\"\n"
            if k > 0 {
                for stream in 0..<3 {
                    let target = Int(SeededRandom.bits(seed: 3, index: UInt64(k), stream: UInt64(stream)) % UInt64(k))
                    text += stream == 0 ? "import \(module(target))\n" : "from app.pkg\(target / 100) import mod\(target % 100)\n"
                }
            }
            text += "\ndef f\(k)(x):\n    return x + \(k)\n"
            sources.append((path(k), Data(text.utf8)))
        }
        for f in 0..<files {
            var text = ""
            for stream in 0..<2 {
                let target = Int(SeededRandom.bits(seed: 4, index: UInt64(f), stream: UInt64(stream)) % UInt64(modules))
                text += "from \(module(target)) import f\(target)\n"
            }
            for t in 0..<100 { text += "\ndef test_case_\(t)():\n    assert True\n" }
            sources.append(("tests/pkg\(f / 100)/test_mod\(f % 100).py", Data(text.utf8)))
        }
        return sources
    }

    struct Scenario {
        var label: String
        var change: ChangedPath
    }

    static let scenarios = [
        Scenario(label: "leaf module (app/pkg99/mod99.py)", change: ChangedPath(status: .modified, path: "app/pkg99/mod99.py")),
        Scenario(label: "middle module (app/pkg50/mod0.py)", change: ChangedPath(status: .modified, path: "app/pkg50/mod0.py")),
        Scenario(label: "root module (app/pkg0/mod1.py)", change: ChangedPath(status: .modified, path: "app/pkg0/mod1.py")),
        Scenario(label: "package init (app/__init__.py): every test through the graph",
                 change: ChangedPath(status: .modified, path: "app/__init__.py")),
        Scenario(label: "unknown path (data/blob.bin): everything", change: ChangedPath(status: .modified, path: "data/blob.bin")),
    ]

    struct Measured {
        var graph = 0.0, select = 0.0, filter = 0.0
        var plan = PlanBench.Timings()
        var selected = 0
        var cpu = 0.0
        var total: Double { graph + select + filter + plan.total }
        var perBuild: Double { graph + select + filter + plan.perBuild }
    }

    static func processCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    static func measure(
        _ scenario: Scenario, sources: [(path: String, bytes: Data)], names: [String], history: [TimingRecord], workers: Int
    ) -> Measured {
        var m = Measured()
        let cpuStart = processCPUSeconds()
        let clock = ContinuousClock()
        var start = clock.now
        func lap() -> Double {
            let now = clock.now
            defer { start = now }
            return seconds(now - start)
        }
        let graph = PythonSourceTree.graph(contents: sources, rootPackage: nil, mode: .complete)
        m.graph = lap()
        let rules = ImpactRules()
        let suite = ImpactSuite.python(name: "py", directory: "", head: graph, base: nil, rules: rules)
        let selection = ImpactSelector(suites: [suite], rules: rules).select([scenario.change])
        m.select = lap()
        var filter = ImpactSelection.Filter(selection)
        var kept: [String] = []
        kept.reserveCapacity(names.count)
        for name in names where filter.keep(suite: "py", test: name) { kept.append(name) }
        m.filter = lap()
        m.selected = kept.count
        precondition(filter.selectedCount + filter.skippedCount == names.count)
        m.plan = kept.isEmpty ? PlanBench.Timings() : PlanBench.planOnce(history: history, names: kept, workers: workers)
        m.cpu = processCPUSeconds() - cpuStart
        return m
    }

    static func run(_ arguments: [String]) throws {
        var repeats = 3
        if arguments.count == 2, arguments[0] == "--repeats", let n = Int(arguments[1]), n > 0 { repeats = n }
        else if !arguments.isEmpty { throw TestfleetError.badInput("select-plan: the only option is --repeats N") }
        let tests = files * 100, workers = 64
        print("select-plan: SYNTHETIC project of \(files) test files × 100 tests = \(tests) tests, \(modules) source modules, "
            + "history for every test, \(workers) simulated workers, median of \(repeats)")
        let sources = syntheticSources()
        let names = (0..<tests).map(PlanBench.name)
        let history = PlanBench.syntheticHistory(known: tests)
        print("  (sources, names and history generated; not timed: they stand for git, the adapters and the store)")

        var baselineRuns: [PlanBench.Timings] = []
        var results: [String: [Measured]] = [:]
        for _ in 1...repeats {
            // Interleaved, so background load on this shared machine falls on all alike.
            let cpu = processCPUSeconds()
            var baseline = PlanBench.planOnce(history: history, names: names, workers: workers)
            baseline.cpu = processCPUSeconds() - cpu
            baselineRuns.append(baseline)
            for scenario in scenarios {
                results[scenario.label, default: []].append(
                    measure(scenario, sources: sources, names: names, history: history, workers: workers))
            }
        }
        let baseline = baselineRuns.sorted { $0.total < $1.total }[repeats / 2]
        print(String(format: "  baseline, no selection: plan %d tests: %.3f s wall (%.3f s per build with the model in memory), %.3f s CPU",
                     tests, baseline.total, baseline.perBuild, baseline.cpu))
        var rows: [[String: Any]] = []
        for scenario in scenarios {
            let runs = results[scenario.label]!
            let m = runs.sorted { $0.total < $1.total }[repeats / 2]
            print(String(format: "  %@: %d tests selected; graph %.3f + select %.3f + filter %.3f + plan %.3f = %.3f s wall "
                         + "(%.3f s per build with the model in memory), %.3f s CPU (all threads); runs %@",
                         scenario.label as NSString, m.selected, m.graph, m.select, m.filter, m.plan.total, m.total,
                         m.perBuild, m.cpu, runs.map { String(format: "%.3f", $0.total) }.joined(separator: ", ") as NSString))
            rows.append([
                "change": scenario.change.path, "selected": m.selected, "graph_s": m.graph, "select_s": m.select,
                "filter_s": m.filter, "plan_s": m.plan.total, "total_s": m.total, "per_build_s": m.perBuild, "cpu_s": m.cpu,
                "runs_total_s": runs.map(\.total),
            ])
        }
        let peakMiB = PlanBench.peakResidentBytes().map { Double($0) / 1_048_576 } ?? .nan
        let worst = rows.compactMap { $0["total_s"] as? Double }.max() ?? .nan
        let loadAverage = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "?"
        print(String(format: "slowest change, median: %.3f s wall (target ≤ 1 s: %@); peak memory (VmHWM, whole process) %.0f MiB "
                     + "(target ≤ 1024 MiB: %@); 1-min load average %@ on 2 cores",
                     worst, (worst <= 1 ? "met" : "NOT met") as NSString, peakMiB,
                     (peakMiB <= 1024 ? "met" : "NOT met") as NSString, loadAverage as NSString))
        let summary: [String: Any] = [
            "benchmark": "select-plan", "synthetic": true, "tests": tests, "test_files": files, "source_modules": modules,
            "workers": workers, "repeats": repeats, "baseline_plan_s": baseline.total, "baseline_per_build_s": baseline.perBuild,
            "baseline_cpu_s": baseline.cpu, "scenarios": rows, "slowest_total_s": worst, "peak_rss_mib": peakMiB,
            "load_average_1min": loadAverage,
        ]
        let data = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
