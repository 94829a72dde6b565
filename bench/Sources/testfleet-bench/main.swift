// testfleet-bench NAME [ARGS…]: the benchmark programs behind `bench/run NAME`. Each benchmark
// lives in its own file as an enum with `static func run(_ arguments: [String]) throws`, prints
// human-readable lines and, last, one line of JSON with its figures.
import Foundation

let benchmarks: [String: ([String]) throws -> Void] = [
    "raw-insert": RawInsertBench.run,
    "makespan": MakespanBench.run,
    "plan": PlanBench.run,
    "select-plan": SelectPlanBench.run,
    "junit-ingest": JUnitIngestBench.run,
    "import-graph": ImportGraphBench.run,
    "flaky-eval": FlakyEvalBench.run,
    "ingest-gate-eval": IngestGateEvalBench.run,
    "branch-gate-eval": BranchGateEvalBench.run,
    "retention-scale": RetentionScaleBench.run,
    "analysis": AnalysisBench.run,
    "balance": BalanceBench.run,
    "grant-latency": GrantLatencyBench.run,
    "coordinator-rss": CoordinatorRSSBench.run,
    "service-load": ServiceLoadBench.run,
]

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, let bench = benchmarks[name] else {
    let known = benchmarks.keys.sorted().joined(separator: ", ")
    FileHandle.standardError.write(Data("usage: testfleet-bench NAME [ARGS…]; NAME is one of: \(known)\n".utf8))
    exit(2)
}
do {
    try bench(Array(arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("testfleet-bench \(name): \(error)\n".utf8))
    exit(3)
}
