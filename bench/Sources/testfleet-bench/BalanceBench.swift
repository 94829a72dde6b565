// bench/run balance: one build on a service-mode fleet — three workers with two slots each,
// 3,000 SIMULATED tests (`sim:3000,ms=20`: each sleeps a seeded lognormal duration, mean 20 ms;
// nothing under test) — timed for real, and the same build in the fleet simulation that models
// the live coordinator's slots, prefetch and grant cost (BenchSupport's `SimulatedFleet`, with
// the coordinator's own `GrantPolicy` and scheduler).
//
// Real: a release `testfleet coordinator` (fresh store per seed, loopback TCP) and three
// `testfleet worker --slots 2` processes; wall = the bench client's submit to its verdict. The
// same build is then submitted again under a new id, when the store's timing history predicts
// every test (the longest go first).
// Goal (issue 12): wall <= 1.05 × max(Σt / 6, max t) + 0.5 s, and the simulation agrees.
import BenchSupport
import Foundation
import Model
import Planning
import Store
import Wire

enum BalanceBench {
    static func run(_ arguments: [String]) throws {
        var seeds = 3, tests = 3000, workers = 3, slots = 2, meanMs = 20.0, roundTripMs = 2.0, overheadMs = 0.15
        var rest = arguments[...]
        if rest.first == "--simulate-only" {
            rest.removeFirst()
            return try simulateOnly(Array(rest))
        }
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst(), let number = Double(value), number >= 0 else {
                throw BenchFailure("balance: \(flag) needs a number")
            }
            switch flag {
            case "--seeds": seeds = Int(number)
            case "--tests": tests = Int(number)
            case "--workers": workers = Int(number)
            case "--slots": slots = Int(number)
            case "--ms": meanMs = number
            case "--round-trip-ms": roundTripMs = number
            case "--overhead-ms": overheadMs = number
            default: throw BenchFailure("balance: unknown option \(flag); known: --seeds --tests --workers --slots --ms --round-trip-ms --overhead-ms")
            }
        }
        let runners = Double(workers * slots)
        print("balance: \(workers) real workers × \(slots) slots, one build of \(tests) SIMULATED tests (mean \(meanMs) ms), seeds 1–\(seeds)")
        print("  simulation: SimulatedFleet with the coordinator's GrantPolicy and GuidedScheduling; grant cost 0.2 ms (the simulated adapter's),")
        print("  round trip (last result → next grant) \(roundTripMs) ms, \(overheadMs) ms per test on top of its duration")
        print("")
        print("seed  run            Σt s   max t s  bound s   real s  real/bound  simulated s  sim/real  sim, sized by workers s")
        var rows: [[String: Any]] = []
        var allMet = true
        for seed in 1...seeds {
            let suite = SimulatedSuite(count: tests, seed: UInt64(seed), meanMilliseconds: meanMs)
            let actual = (0..<tests).map { suite.duration(of: $0) }
            let sum = actual.reduce(0, +), longest = actual.max() ?? 0
            let bound = 1.05 * max(sum / runners, longest) + 0.5
            let fleet = try BenchFleet()
            defer { fleet.stop(keep: ProcessInfo.processInfo.environment["KEEP"] != nil) }
            for i in 1...workers { try fleet.addWorker(id: "w\(i)", slots: slots) }
            let client = try BenchClient(endpoint: fleet.endpoint)
            client.pump(seconds: 1.5)  // every worker has said hello before the build comes
            for (label, id, history) in [("first (no history)", "balance-\(seed)", false), ("again (history)", "balance-\(seed)-again", true)] {
                let (code, wall) = try client.run(.simulated(id, suite.spec), timeout: 300)
                guard code == 0 else { throw BenchFailure("\(id) exited \(code)") }
                let results = try Store(path: fleet.storePath).results(build: id)
                let perWorker = Dictionary(grouping: results, by: \.worker).mapValues { $0.reduce(0) { $0 + $1.duration } }
                guard results.count == tests, perWorker.count == workers else {
                    throw BenchFailure("\(id): \(results.count) results from \(perWorker.count) workers")
                }
                // What the coordinator predicted: nothing known (every test the same) or the first run's times.
                let cases = (0..<tests).map {
                    TestCase(name: suite.name(of: $0), suite: 0, predicted: history ? actual[$0] : TimingModel.fallbackSeconds, index: $0)
                }
                func simulate(sizedFor: Int?) -> Double {
                    SimulatedFleet(slots: Array(repeating: slots, count: workers), grantCost: 0.000_2, roundTrip: roundTripMs / 1000,
                                   perTestOverhead: overheadMs / 1000, sizedFor: sizedFor)
                        .run(tests: cases) { actual[$0.index] }.makespan
                }
                let simulated = simulate(sizedFor: nil), old = simulate(sizedFor: workers)
                let met = wall <= bound
                allMet = allMet && met
                print(String(format: "%4d  %-18@ %6.1f %8.3f %8.2f %8.2f %10.3f %12.2f %9.3f %12.2f", seed, label as NSString, sum, longest, bound,
                             wall, wall / bound, simulated, simulated / wall, old))
                rows.append([
                    "seed": seed, "run": label, "sum_t_s": sum, "max_t_s": longest, "bound_s": bound, "wall_s": wall,
                    "wall_over_bound": wall / bound, "met": met, "simulated_s": simulated, "simulated_over_real": simulated / wall,
                    "simulated_sized_by_workers_s": old,
                    "worker_seconds": perWorker.sorted { $0.key < $1.key }.map(\.value),
                ])
            }
        }
        print("")
        print("verdict: real wall <= 1.05 × max(Σt/6, max t) + 0.5 s in every run: \(allMet ? "met" : "NOT met")")
        let summary: [String: Any] = [
            "benchmark": "balance", "simulated_tests": true, "workers": workers, "slots": slots, "tests": tests, "mean_ms": meanMs,
            "round_trip_ms": roundTripMs, "overhead_ms": overheadMs, "runs": rows, "met": allMet,
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]), as: UTF8.self))
    }
}

extension BalanceBench {
    /// `balance --simulate-only [SEEDS] [SIZED_FOR…]`: the simulation alone, grants sized for each
    /// runner count given (default: the coordinator's own sizing), no history and history.
    static func simulateOnly(_ arguments: [String]) throws {
        let seeds = arguments.first.flatMap(Int.init) ?? 5
        let sizes: [Int?] = arguments.count > 1 ? arguments.dropFirst().map { Int($0) } : [nil]
        for size in sizes {
            for history in [false, true] {
                var ratios: [Double] = []
                for seed in 1...seeds {
                    let suite = SimulatedSuite(count: 3000, seed: UInt64(seed), meanMilliseconds: 20)
                    let actual = (0..<3000).map { suite.duration(of: $0) }
                    let bound = 1.05 * max(actual.reduce(0, +) / 6, actual.max()!) + 0.5
                    let cases = (0..<3000).map {
                        TestCase(name: suite.name(of: $0), suite: 0, predicted: history ? actual[$0] : 1, index: $0)
                    }
                    let outcome = SimulatedFleet(slots: [2, 2, 2], grantCost: 0.000_2, roundTrip: 0.002, perTestOverhead: 0.000_15,
                                                 sizedFor: size).run(tests: cases) { actual[$0.index] }
                    ratios.append(outcome.makespan / (actual.reduce(0, +) / 6))
                    _ = bound
                }
                print("sized for \(size.map(String.init) ?? "policy"), history \(history): makespan / (Σt/6) per seed: \(ratios.map { String(format: "%.3f", $0) }.joined(separator: " "))")
            }
        }
    }
}
