/// How a coordinator behaves on the wire.
public struct CoordinatorConfig: Sendable {
    /// Where to bind the ROUTER: `tcp://0.0.0.0:5555`, `tcp://127.0.0.1:*`, `ipc:///path`.
    public var endpoint: String
    /// How often the coordinator and workers tell each other they are alive.
    public var heartbeatMilliseconds: Int
    /// A worker silent for this long is gone: its leases are requeued.
    public var workerTimeoutMilliseconds: Int
    /// Grants a worker may hold at once per slot (one running, the rest prefetched so the worker
    /// never waits a round trip between grants).
    public var grantsPerSlot: Int
    /// Workers known to be on their way (`run --local N` starts N): grants are sized for at
    /// least this many. Without it the first worker to say hello is sized a grant as if it were
    /// alone — half of a two-worker build in one grant — while the second is still starting.
    public var expectedWorkers: Int

    public init(endpoint: String, heartbeatMilliseconds: Int = 1000, workerTimeoutMilliseconds: Int = 5000,
                grantsPerSlot: Int = 2, expectedWorkers: Int = 0) {
        self.endpoint = endpoint
        self.heartbeatMilliseconds = heartbeatMilliseconds
        self.workerTimeoutMilliseconds = workerTimeoutMilliseconds
        self.grantsPerSlot = grantsPerSlot
        self.expectedWorkers = expectedWorkers
    }
}
