/// The **simulated** suite `sim:COUNT[,seed=S][,fail=P][,ms=M][,flaky=Q]`, used by benchmarks and
/// demos. Every output that shows it says it is simulated.
///
/// Test `i` is named `sim::t000042`; it sleeps a duration drawn from a seeded lognormal with mean
/// `meanMilliseconds` and σ = 1 (`ms=0` makes no-op tests). A seeded fraction `failFraction` fails
/// on every attempt; a seeded fraction `flakyFraction` fails half the time on each attempt.
public struct SimulatedSuite: Sendable, Hashable {
    public var count: Int
    public var seed: UInt64
    public var failFraction: Double
    public var meanMilliseconds: Double
    public var flakyFraction: Double

    public init(count: Int, seed: UInt64 = 1, failFraction: Double = 0, meanMilliseconds: Double = 0,
                flakyFraction: Double = 0) {
        self.count = count
        self.seed = seed
        self.failFraction = failFraction
        self.meanMilliseconds = meanMilliseconds
        self.flakyFraction = flakyFraction
    }

    /// Parses `sim:COUNT[,seed=S][,fail=P][,ms=M][,flaky=Q]`.
    public init(parsing spec: String) throws(TestfleetError) {
        guard spec.hasPrefix("sim:") else { throw TestfleetError.badInput("a simulated suite starts with 'sim:', got '\(spec)'") }
        let parts = spec.dropFirst(4).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, let count = Int(first), count >= 0, count <= 100_000_000 else {
            throw TestfleetError.badInput("'\(spec)': COUNT must be a whole number from 0 to 100000000, e.g. sim:1000")
        }
        self.init(count: count)
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else {
                throw TestfleetError.badInput("'\(spec)': '\(part)' is not KEY=VALUE (keys: seed, fail, ms, flaky)")
            }
            switch pair[0] {
            case "seed":
                guard let value = UInt64(pair[1]) else { throw TestfleetError.badInput("'\(spec)': seed must be a whole number") }
                seed = value
            case "fail":
                failFraction = try Self.fraction(pair[1], key: "fail", spec: spec)
            case "flaky":
                flakyFraction = try Self.fraction(pair[1], key: "flaky", spec: spec)
            case "ms":
                guard let value = Double(pair[1]), value >= 0, value.isFinite else {
                    throw TestfleetError.badInput("'\(spec)': ms must be a number of milliseconds >= 0")
                }
                meanMilliseconds = value
            default:
                throw TestfleetError.badInput("'\(spec)': unknown key '\(pair[0])' (keys: seed, fail, ms, flaky)")
            }
        }
    }

    private static func fraction(_ text: String, key: String, spec: String) throws(TestfleetError) -> Double {
        guard let value = Double(text), value >= 0, value <= 1 else {
            throw TestfleetError.badInput("'\(spec)': \(key) must be a fraction from 0 to 1")
        }
        return value
    }

    /// The canonical spec string; parsing it gives this suite back.
    public var spec: String {
        var text = "sim:\(count),seed=\(seed)"
        if failFraction > 0 { text += ",fail=\(failFraction)" }
        if meanMilliseconds > 0 { text += ",ms=\(meanMilliseconds)" }
        if flakyFraction > 0 { text += ",flaky=\(flakyFraction)" }
        return text
    }

    private var nameWidth: Int { max(6, String(max(count - 1, 0)).count) }

    /// The name of test `index`.
    public func name(of index: Int) -> String {
        let digits = String(index)
        return "sim::t" + String(repeating: "0", count: max(0, nameWidth - digits.count)) + digits
    }

    /// The index of a test named by `name(of:)`, or nil for any other name.
    public static func index(of name: String) -> Int? {
        guard name.hasPrefix("sim::t") else { return nil }
        return Int(name.dropFirst(6))
    }

    /// All test names, in index order.
    public var names: [String] { (0..<count).map(name(of:)) }

    /// The declared duration of test `index`, in seconds.
    public func duration(of index: Int) -> Double {
        guard meanMilliseconds > 0 else { return 0 }
        // Lognormal with σ = 1 and mean M: μ = ln M − σ²/2.
        let mu = log(meanMilliseconds) - 0.5
        let z = SeededRandom.normal(seed: seed, index: UInt64(index), stream: 1)
        return exp(mu + z) / 1000
    }

    /// Whether test `index` fails on every attempt.
    public func alwaysFails(_ index: Int) -> Bool {
        failFraction > 0 && SeededRandom.unit(seed: seed, index: UInt64(index), stream: 2) < failFraction
    }

    /// Whether test `index` is flaky (fails at random, half the time, on each attempt).
    public func isFlaky(_ index: Int) -> Bool {
        flakyFraction > 0 && !alwaysFails(index)
            && SeededRandom.unit(seed: seed, index: UInt64(index), stream: 3) < flakyFraction
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
