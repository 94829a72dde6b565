import Dispatch

/// Milliseconds the coordinator loop spends per activity (TESTFLEET_TRACE=1): cheap enough to
/// leave in, and the first thing to read when the end-to-end benchmark moves.
/// A class so measurements can nest (a flush grants more work) without overlapping accesses.
final class LoopProfile: CustomStringConvertible {
    let enabled: Bool

    init(enabled: Bool) { self.enabled = enabled }
    var receiving = 0.0
    var flushing = 0.0
    var storing = 0.0
    var granting = 0.0

    func measure<T>(_ field: ReferenceWritableKeyPath<LoopProfile, Double>, _ body: () throws -> T) rethrows -> T {
        guard enabled else { return try body() }
        let start = DispatchTime.now().uptimeNanoseconds
        defer { self[keyPath: field] += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 }
        return try body()
    }

    /// Seconds on the monotonic clock: trace lines put events on one timeline with it.
    var now: Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    var description: String {
        "loop ms: receive+decode \(Int(receiving)), flush \(Int(flushing)), grant \(Int(granting)) (partly inside receive); store \(Int(storing)) (off the loop)"
    }
}
