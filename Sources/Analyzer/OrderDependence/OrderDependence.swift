#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One attempt at the test under study, placed in its process (`RunPlace`): whether it failed,
/// and which tests ran before it in that process. Tests are ids (`AttemptHistory.testNames`
/// positions, or the caller's own): the rule hashes them millions of times on a big store.
public struct OrderObservation: Sendable, Hashable {
    public var failed: Bool
    /// Each test that ran earlier in the same process, with how many places earlier (1: the
    /// test just before it).
    public var before: [Int32: Int]

    public init(failed: Bool, before: [Int32: Int]) {
        self.failed = failed
        self.before = before
    }
}

/// A test that fails only after another test ran before it in the same process: a bug of the
/// suite (state one test leaves behind, another depends on), not of a commit and not chance.
public struct OrderDependency: Sendable, Hashable {
    /// The test that, run earlier in the same process, goes with every failure.
    public var dependsOn: String
    /// Failures observed in a process: every one of them had `dependsOn` before it.
    public var failuresAfter: Int
    /// Passes with `dependsOn` before (the dependency does not always break it).
    public var passesAfter: Int
    /// Passes without `dependsOn` before (fresh retries, other grants, other orders).
    public var passesWithout: Int
    /// One-sided Fisher exact p-value: the chance that the failures, spread at random over the
    /// observed runs, all land among the runs where `dependsOn` came first.
    public var pValue: Double
    /// Other tests with exactly the same evidence (they too ran before every failure and as
    /// often before the passes): the runs cannot tell them apart; `dependsOn` is the one that
    /// ran nearest before the test.
    public var equallySupported: Int

    public init(dependsOn: String, failuresAfter: Int, passesAfter: Int, passesWithout: Int, pValue: Double,
                equallySupported: Int) {
        self.dependsOn = dependsOn
        self.failuresAfter = failuresAfter
        self.passesAfter = passesAfter
        self.passesWithout = passesWithout
        self.pValue = pValue
        self.equallySupported = equallySupported
    }
}

/// The evidence rule for naming an order dependency. A test T is order-dependent on D when
///
/// 1. T failed at least `minimumFailures` times in runs whose process is known (never from one
///    observation: one failure after D is what any flaky test shows after every test before it);
/// 2. D ran before T, in the same process, in **every** one of those failing runs (a single
///    failure without D refutes "fails only after D": that is plain flakiness);
/// 3. T passed at least `minimumPassesWithout` times in runs without D before it (a fresh retry,
///    another grant): without such passes nothing separates D from "fails in any process";
/// 4. the association is significant: with the failures and passes as observed, the one-sided
///    Fisher exact p-value that every failure falls among the runs with D first, if failing
///    were independent of D, is at most `significance`. With no failure outside the D-runs that
///    p-value is C(a + b, a) / C(a + b + d, a) (a failures and b passes after D, d passes
///    without): 5 failing warm runs each followed by a passing fresh retry give 1/252 = 0.004;
///    4 give 1/70 = 0.014, not enough. A test failing at random with rate r in both kinds of run
///    rarely clears this: it must fail in every D-run and never elsewhere.
///
/// Among the tests meeting 1–4, D is the one with the smallest p-value (fewest passes after it),
/// then the one that ran nearest before T on average, then by id.
///
/// 5. D must be (nearly) singled out: at most `maximumTies` other tests have exactly its
///    evidence. When T fails only in long processes and passes alone, every test that always
///    runs before it ties with D, and naming the nearest of a hundred would be a guess: then
///    nothing is named (T stays what the flaky analysis says). A synthetic store of 500 warm
///    builds of 2,000 tests, 20 tests failing 30 % of their warm runs and never on a fresh retry,
///    named all 20 "dependent" on one arbitrary test before this rule; with it, none.
public struct OrderDependenceRule: Sendable, Hashable {
    public var minimumFailures: Int
    public var minimumPassesWithout: Int
    public var significance: Double
    public var maximumTies: Int

    public init(minimumFailures: Int = 3, minimumPassesWithout: Int = 2, significance: Double = 0.01, maximumTies: Int = 2) {
        self.minimumFailures = minimumFailures
        self.minimumPassesWithout = minimumPassesWithout
        self.significance = significance
        self.maximumTies = maximumTies
    }

    /// What `judge` found, with the dependency as a test id.
    public struct Judgement: Sendable, Hashable {
        public var dependsOn: Int32
        public var failuresAfter: Int
        public var passesAfter: Int
        public var passesWithout: Int
        public var pValue: Double
        public var equallySupported: Int

        /// The reportable form, with the dependency's name.
        public func named(_ name: String) -> OrderDependency {
            OrderDependency(dependsOn: name, failuresAfter: failuresAfter, passesAfter: passesAfter, passesWithout: passesWithout,
                            pValue: pValue, equallySupported: equallySupported)
        }
    }

    /// The tests that ran before every failing observation: the only possible dependencies.
    public func candidates(_ failing: [OrderObservation]) -> Set<Int32> {
        guard var common = failing.first.map({ Set($0.before.keys) }) else { return [] }
        for observation in failing.dropFirst() where !common.isEmpty {
            common.formIntersection(observation.before.keys)
        }
        return common
    }

    /// The test's order dependency, or nil when the observations do not support one. Ties on
    /// distance go to the lower id.
    public func judge(_ observations: [OrderObservation]) -> Judgement? {
        let failing = observations.filter(\.failed)
        guard failing.count >= minimumFailures else { return nil }
        let candidates = candidates(failing)
        guard !candidates.isEmpty else { return nil }
        let passing = observations.filter { !$0.failed }
        var qualifying: [(name: Int32, passesAfter: Int, distance: Double)] = []
        for name in candidates {
            let passesAfter = passing.lazy.filter { $0.before[name] != nil }.count
            guard passing.count - passesAfter >= minimumPassesWithout else { continue }
            let distance = failing.reduce(0.0) { $0 + Double($1.before[name]!) } / Double(failing.count)
            qualifying.append((name, passesAfter, distance))
        }
        let best = qualifying.min { ($0.passesAfter, $0.distance, $0.name) < ($1.passesAfter, $1.distance, $1.name) }
        guard let best else { return nil }
        let tied = qualifying.lazy.filter { $0.passesAfter == best.passesAfter }.count - 1
        guard tied <= maximumTies else { return nil }
        let p = Self.fisherAllAfter(failures: failing.count, passesAfter: best.passesAfter,
                                    passesWithout: passing.count - best.passesAfter)
        guard p <= significance else { return nil }
        return Judgement(dependsOn: best.name, failuresAfter: failing.count, passesAfter: best.passesAfter,
                         passesWithout: passing.count - best.passesAfter, pValue: p, equallySupported: tied)
    }

    /// One-sided Fisher exact p-value of a 2×2 table with no failure outside the D-runs: the
    /// hypergeometric chance that all `failures` fall among the `failures + passesAfter` D-runs
    /// out of all runs, C(a + b, a) / C(a + b + d, a), in logs.
    public static func fisherAllAfter(failures a: Int, passesAfter b: Int, passesWithout d: Int) -> Double {
        func logChoose(_ n: Int, _ k: Int) -> Double {
            lgamma(Double(n) + 1) - lgamma(Double(k) + 1) - lgamma(Double(n - k) + 1)
        }
        return exp(logChoose(a + b, a) - logChoose(a + b + d, a))
    }
}
