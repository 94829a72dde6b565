import Model

/// A small sequential seeded generator (SplitMix64) for the synthetic history: the same seed
/// always gives the same history.
struct SyntheticRandom: Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = SeededRandom.mix(seed ^ 0x5EED_F1A4_E7A1_0001) }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SeededRandom.mix(state)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform integer in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    mutating func chance(_ probability: Double) -> Bool { unit() < probability }

    /// Log-uniform in [low, high].
    mutating func logUniform(_ low: Double, _ high: Double) -> Double { low * pow(high / low, unit()) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
