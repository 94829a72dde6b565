/// Stateless seeded randomness: the same (seed, index, stream) always gives the same number, so
/// a coordinator and a worker in different processes agree on a simulated test without talking.
public enum SeededRandom {
    /// SplitMix64's finaliser: a strong 64-bit mix.
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A 64-bit hash of (seed, index, stream).
    @inlinable
    public static func bits(seed: UInt64, index: UInt64, stream: UInt64) -> UInt64 {
        mix(mix(mix(seed) ^ index) ^ (stream &* 0xD6E8_FEB8_6659_FD93))
    }

    /// A uniform double in [0, 1).
    @inlinable
    public static func unit(seed: UInt64, index: UInt64, stream: UInt64) -> Double {
        Double(bits(seed: seed, index: index, stream: stream) >> 11) * 0x1.0p-53
    }

    /// A standard normal deviate (Box–Muller over two independent streams).
    public static func normal(seed: UInt64, index: UInt64, stream: UInt64) -> Double {
        let u1 = max(unit(seed: seed, index: index, stream: stream), 0x1.0p-53)
        let u2 = unit(seed: seed, index: index, stream: stream &+ 0x5151)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
