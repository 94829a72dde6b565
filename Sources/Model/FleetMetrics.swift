/// What a coordinator publishes about itself for `/metrics` and `/readyz`: a snapshot its loop
/// refreshes every housekeeping turn (about ten times a second), read by other threads without
/// touching the loop's state. Counters count since the process started.
public struct FleetMetrics: Sendable, Hashable {
    /// Builds being dispatched (queued or running).
    public var buildsRunning = 0
    /// Builds finished since start, by verdict (`pass`, `fail`) or ending (`cancelled`, `aborted`).
    public var buildsFinished: [String: Int] = [:]
    /// Results stored since start, by outcome (`Outcome.rawValue`).
    public var results: [String: Int] = [:]
    /// Tests waiting in the builds' queues (first attempts and retries).
    public var queueTests = 0
    /// Connected workers by arch.
    public var workers: [String: Int] = [:]
    /// Leases taken back because they outlived their deadline, since start.
    public var leaseExpiries = 0
    /// Tests workers gave back unrun (a reclaim for a worker that ran out of work), since start.
    public var testsHandedBack = 0
    /// Monotonic milliseconds (`DispatchTime` uptime) of the loop turn that published this
    /// snapshot: a reader compares it with the clock to tell whether the loop still turns.
    public var publishedAtUptimeMilliseconds: UInt64 = 0

    public init() {}
}
