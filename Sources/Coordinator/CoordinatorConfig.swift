import Foundation
public import Transport

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
    /// Slots of one worker the coordinator uses at most, whatever its hello or `ready` claims
    /// (a peer advertising 2^40 slots must not take the whole queue).
    public var maxSlotsPerWorker: Int
    /// A build with tests pinned to an arch no connected worker serves ends (exit 3, naming the
    /// arch) after this long; 0: at once, once the expected workers have said hello.
    public var archWaitMilliseconds: Int
    /// Time a grant may take beyond its tests' own timeouts (a build, a compile, a queue on the
    /// worker) before the coordinator takes the lease back.
    public var leaseGraceMilliseconds: Int
    /// Set by `run --local` (`host:pid`): its builds are stored as this owner's, and it resumes
    /// no build at start; running builds of a dead owner are marked abandoned instead. Nil for
    /// the service, which resumes the builds it left running.
    public var owner: String?
    /// CURVE encryption and the client allow-list (nil: plaintext, anyone may connect).
    public var curve: CurveServerSecurity?

    public init(endpoint: String, heartbeatMilliseconds: Int = 1000, workerTimeoutMilliseconds: Int = 5000,
                grantsPerSlot: Int = 2, expectedWorkers: Int = 0, maxSlotsPerWorker: Int = 256,
                archWaitMilliseconds: Int = 300_000, leaseGraceMilliseconds: Int = 900_000, owner: String? = nil,
                curve: CurveServerSecurity? = nil) {
        self.endpoint = endpoint
        self.heartbeatMilliseconds = heartbeatMilliseconds
        self.workerTimeoutMilliseconds = workerTimeoutMilliseconds
        self.grantsPerSlot = grantsPerSlot
        self.expectedWorkers = expectedWorkers
        self.maxSlotsPerWorker = max(1, maxSlotsPerWorker)
        self.archWaitMilliseconds = max(0, archWaitMilliseconds)
        self.leaseGraceMilliseconds = max(0, leaseGraceMilliseconds)
        self.owner = owner
        self.curve = curve
    }

    /// The owner id of this process (`host:pid`), for `owner`.
    public static var localOwner: String { "\(ProcessInfo.processInfo.hostName):\(getpid())" }
}
