import Model

/// A strategy that decides what a worker asking for work gets next. One strategy per file.
public protocol Scheduling: Sendable {
    /// Takes the next grant for a worker of `arch` from `queue`. `workers` is how many workers
    /// are online; `grantCost` is the fixed cost in seconds of starting one grant (process
    /// start-up, messages). Returns an empty array only when no test for `arch` is waiting.
    func nextGrant(from queue: inout PendingQueue, arch: Arch, workers: Int, grantCost: Double) -> [TestCase]
}
