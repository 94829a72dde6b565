// bench/run makespan: compares scheduling strategies in a discrete-event simulation, in
// SIMULATED time (no processes run, no clock is read): 100,000 synthetic tests with heavy-tailed
// durations, actual times off the predictions by lognormal noise, and a cost per grant.
import Foundation
import Model
import Planning
import BenchSupport
import Selection

enum MakespanBench {
    /// The strategies compared, in report order (testfleet's first).
    static let strategies: [(name: String, make: @Sendable (Options) -> any Scheduling)] = [
        ("testfleet-guided", { GuidedScheduling(divisor: $0.divisor, minimumGrantCosts: $0.minimumGrantCosts) }),
        ("static-lpt (pytest-split least_duration)", { _ in StaticLPTScheduling() }),
        ("round-robin (bktec fallback)", { _ in RoundRobinScheduling() }),
        ("xdist-load", { _ in LoadScheduling() }),
    ]

    struct Options: Sendable {
        var tests = 100_000
        var seeds = Array(1...5)
        var workers = [4, 16, 64]
        /// Median predicted duration, seconds.
        var median = 0.2
        /// σ of the log of the predicted durations.
        var sigma = 2.0
        /// σ of the log of actual / predicted.
        var noise = 0.3
        var startup = 0.5
        var messageCost = 0.001
        /// Messages one grant costs: the Assign message (results stream back in batches that
        /// overlap with running tests, so they are not on a worker's critical path).
        var messagesPerGrant = 1.0
        var divisor = GuidedScheduling().divisor
        var minimumGrantCosts = GuidedScheduling().minimumGrantCosts

        var grantCost: Double { startup + messagesPerGrant * messageCost }

        init(_ arguments: [String]) throws {
            var rest = arguments[...]
            while let flag = rest.popFirst() {
                guard let value = rest.popFirst() else { throw TestfleetError.badInput("makespan: \(flag) needs a value") }
                func number() throws -> Double {
                    guard let number = Double(value), number.isFinite, number >= 0 else {
                        throw TestfleetError.badInput("makespan: \(flag) \(value) is not a non-negative number")
                    }
                    return number
                }
                func integers() throws -> [Int] {
                    let list = value.split(separator: ",").compactMap { Int($0) }
                    guard !list.isEmpty, list.allSatisfy({ $0 > 0 }) else {
                        throw TestfleetError.badInput("makespan: \(flag) wants positive integers like 4,16,64, not \(value)")
                    }
                    return list
                }
                switch flag {
                case "--tests": tests = try integers()[0]
                case "--seeds": seeds = Array(1...(try integers()[0]))
                case "--workers": workers = try integers()
                case "--median": median = try number()
                case "--sigma": sigma = try number()
                case "--noise": noise = try number()
                case "--startup": startup = try number()
                case "--divisor": divisor = try number()
                case "--min-grant-costs": minimumGrantCosts = try number()
                default:
                    throw TestfleetError.badInput("makespan: unknown option \(flag); known: --tests N --seeds K --workers 4,16,64 --median S --sigma S --noise S --startup S --divisor D --min-grant-costs K")
                }
            }
        }
    }

    /// Synthetic tests for one seed: predicted ~ lognormal(ln median, σ), actual = predicted ×
    /// lognormal(0, noise). Names are zero-padded so name order is index order (unrelated to
    /// duration): the collection order xdist's load and the name-sorted round-robin see.
    static func syntheticSuite(seed: UInt64, options: Options) -> (tests: [TestCase], actual: [String: Double]) {
        let width = String(options.tests - 1).count
        var tests: [TestCase] = []
        var actual: [String: Double] = [:]
        tests.reserveCapacity(options.tests)
        actual.reserveCapacity(options.tests)
        for index in 0..<options.tests {
            let digits = String(index)
            let name = "simulated_des::t" + String(repeating: "0", count: width - digits.count) + digits
            let predicted = options.median * exp(options.sigma * SeededRandom.normal(seed: seed, index: UInt64(index), stream: 1))
            tests.append(TestCase(name: name, suite: 0, predicted: predicted, index: index))
            actual[name] = predicted * exp(options.noise * SeededRandom.normal(seed: seed, index: UInt64(index), stream: 2))
        }
        return (tests, actual)
    }

    struct Row {
        var workers: Int
        var strategy: String
        var ratios: [Double] = []
        var makespans: [Double] = []
        var bounds: [Double] = []
        var grants: [Double] = []
    }

    static func run(_ arguments: [String]) throws {
        let options = try Options(arguments)
        let c = options.grantCost
        print("makespan: discrete-event simulation in SIMULATED time (no processes run, no clock is read)")
        print("  \(options.tests) synthetic tests; predicted durations lognormal, median \(options.median) s, σ = \(options.sigma);")
        print("  actual = predicted × lognormal noise (σ = \(options.noise)); every grant costs c = \(options.startup) s start-up + \(Int(options.messagesPerGrant)) × \(options.messageCost * 1000) ms message = \(c) s")
        print("  bound = max((Σt + N·c)/N, max t + c) over ACTUAL times; ratio = makespan / bound; seeds \(options.seeds.map(String.init).joined(separator: ","))")
        print("  guided parameters: divisor \(options.divisor), minimum grant \(options.minimumGrantCosts) × c")
        var rows: [Row] = []
        for workers in options.workers {
            for strategy in strategies { rows.append(Row(workers: workers, strategy: strategy.name)) }
        }
        let started = Date()
        for seed in options.seeds {
            let suite = syntheticSuite(seed: UInt64(seed), options: options)
            let actualTimes = Array(suite.actual.values)
            let sum = actualTimes.reduce(0, +), longest = actualTimes.max() ?? 0
            print(String(format: "  seed %d: Σt = %.0f s, max t = %.0f s", seed, sum, longest))
            for (w, workers) in options.workers.enumerated() {
                let n = Double(workers)
                let bound = max((sum + n * c) / n, longest + c)
                let cluster = SimulatedCluster(workers: Array(repeating: .x86_64, count: workers), grantCost: c)
                for (s, strategy) in strategies.enumerated() {
                    let outcome = cluster.run(strategy.make(options), tests: suite.tests) { suite.actual[$0.name]! }
                    guard outcome.ranOn.count == options.tests, outcome.leftOver == 0 else {
                        throw TestfleetError.badInput("makespan: \(strategy.name) ran \(outcome.ranOn.count) of \(options.tests) tests — a strategy bug")
                    }
                    let index = w * strategies.count + s
                    rows[index].ratios.append(outcome.makespan / bound)
                    rows[index].makespans.append(outcome.makespan)
                    rows[index].bounds.append(bound)
                    rows[index].grants.append(Double(outcome.grants))
                }
            }
        }
        let elapsed = Date().timeIntervalSince(started)
        print("")
        print("workers  strategy                                   median ratio   min–max ratio     median makespan  median bound  median grants")
        for row in rows {
            let ratios = row.ratios.sorted()
            let label = row.strategy.padding(toLength: 41, withPad: " ", startingAt: 0)
            print(String(format: "%7d  %@  %12.4f   %.4f–%.4f   %13.0f s  %10.0f s  %13.0f",
                         row.workers, label as NSString, median(row.ratios), ratios.first!, ratios.last!,
                         median(row.makespans), median(row.bounds), median(row.grants)))
        }
        var verdicts: [String] = []
        var json: [[String: Any]] = []
        for workers in options.workers {
            let group = rows.filter { $0.workers == workers }
            let guided = group[0]
            let best = group.min { median($0.ratios) < median($1.ratios) }!
            let bestOfFour = best.strategy == guided.strategy
            let withinTarget = median(guided.ratios) <= 1.02
            verdicts.append(String(format: "  %d workers: testfleet %.4f × bound (%@ 1.02), %@", workers, median(guided.ratios),
                                   (withinTarget ? "≤" : ">") as NSString,
                                   (bestOfFour ? "best of the four" : "NOT best: \(best.strategy) is") as NSString))
            for row in group {
                json.append([
                    "workers": workers, "strategy": row.strategy, "median_ratio": median(row.ratios), "ratios": row.ratios,
                    "median_makespan_s": median(row.makespans), "median_bound_s": median(row.bounds),
                    "median_grants": median(row.grants),
                ])
            }
        }
        print("")
        print("verdict (median over seeds):")
        verdicts.forEach { print($0) }
        print(String(format: "  simulated \(options.seeds.count) seeds × \(options.workers.count) sizes × \(strategies.count) strategies in %.1f s of real time", elapsed))
        let summary: [String: Any] = [
            "benchmark": "makespan", "simulated_time": true, "tests": options.tests, "seeds": options.seeds,
            "median_duration_s": options.median, "sigma": options.sigma, "noise_sigma": options.noise, "grant_cost_s": c,
            "guided_divisor": options.divisor, "guided_minimum_grant_costs": options.minimumGrantCosts, "results": json,
        ]
        let data = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
