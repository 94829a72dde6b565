public import Model
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What history says about one test's duration on one arch: the value the store persists and
/// `TimingModel` predicts from.
///
/// - `ewma`: exponentially weighted mean of the seconds taken, weight `max(ewmaWeight, 1/n)` for
///   the n-th sample, so the first few samples count equally and later ones track drift.
/// - `p90`: a streaming estimate of the 90th percentile, without keeping samples: a
///   Robbins–Monro quantile step in log space. Each sample above it raises it by a factor
///   `e^(0.9·η)`, each one at or below lowers it by `e^(-0.1·η)`, which settles where 90 % of
///   samples fall below; `η = max(p90StepFloor, 1/√n)` takes big steps early and small ones once
///   history is long. Log space keeps the step scale-free (a 1 ms and a 10 min test alike).
public struct TimingRecord: Sendable, Hashable, Codable {
    public var test: String
    public var arch: Arch
    /// Exponentially weighted mean duration, seconds.
    public var ewma: Double
    /// Estimated 90th percentile duration, seconds.
    public var p90: Double
    /// Durations folded in so far.
    public var samples: Int

    /// Weight of a new sample in the EWMA once history is longer than 1/ewmaWeight samples.
    public static let ewmaWeight = 0.2
    /// Smallest log-space step of the p90 estimate.
    public static let p90StepFloor = 0.1
    /// Durations below this (including 0) count as this, so the log-space p90 never sticks at 0.
    public static let shortestDuration = 1e-6

    public init(test: String, arch: Arch, ewma: Double, p90: Double, samples: Int) {
        self.test = test
        self.arch = arch
        self.ewma = ewma
        self.p90 = p90
        self.samples = samples
    }

    /// A record with no samples yet; its first `observe` sets both estimates.
    public init(test: String, arch: Arch) {
        self.init(test: test, arch: arch, ewma: 0, p90: 0, samples: 0)
    }

    /// Folds one duration in. Negative, NaN or infinite durations are ignored (a crashed or
    /// timed-out attempt says nothing about how long the test takes).
    public mutating func observe(_ seconds: Double) {
        guard seconds.isFinite, seconds >= 0 else { return }
        let x = max(seconds, Self.shortestDuration)
        samples += 1
        if samples == 1 || ewma <= 0 || p90 <= 0 {
            ewma = x
            p90 = x
            return
        }
        let n = Double(samples)
        ewma += max(Self.ewmaWeight, 1 / n) * (x - ewma)
        let step = max(Self.p90StepFloor, 1 / n.squareRoot())
        p90 *= x > p90 ? exp(0.9 * step) : exp(-0.1 * step)
    }
}
