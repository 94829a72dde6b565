/// Where an attempt ran: the test process and its position in it. Two attempts with the same
/// `process` ran in one process, the lower `position` first, so what the earlier one left behind
/// (a module global, a patched function, a file) could change the later one: the evidence the
/// analyser's order-dependence check reads.
///
/// A warm pytest session runs many grants in one process; a cold pytest batch runs its grant's
/// tests in order. Results whose framework gives no process identity (JUnit files, the
/// simulated and shell adapters) carry no place.
public struct RunPlace: Sendable, Hashable {
    /// Unique per test process (random, 63 bits, drawn when the worker starts it).
    public var process: Int64
    /// 0 for the first test the process ran, counting up in run order.
    public var position: Int

    public init(process: Int64, position: Int) {
        self.process = process
        self.position = position
    }

    /// A fresh process identity. Random rather than a counter so that workers, restarts and
    /// concurrent slots never need to agree on one (a collision among 2^63 is not a concern).
    public static func newProcess() -> Int64 { Int64.random(in: 1...Int64.max) }
}
