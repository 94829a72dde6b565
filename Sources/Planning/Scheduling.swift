public import Model

/// A strategy that decides what a worker asking for work gets next. One strategy per file.
///
/// Pull strategies (testfleet's `GuidedScheduling`) need only the first method. Strategies that
/// fix a plan up front (static bins) or keep per-worker state (xdist's watermarks) also use the
/// worker-aware requirements below; their defaults make a plain pull strategy work unchanged, so
/// a caller that only knows `nextGrant(from:arch:workers:grantCost:)` keeps working.
public protocol Scheduling: Sendable {
    /// Takes the next grant for a worker of `arch` from `queue`. `workers` is how many grants
    /// run side by side: workers online in the one-grant-per-worker model of `bench/run
    /// makespan`; for the coordinator, every grant its workers' slots hold at once
    /// (`GrantPolicy.shares`). `grantCost` is the fixed cost in seconds of starting one grant
    /// (process start-up, messages). Returns an empty array only when no test for `arch` is waiting.
    func nextGrant(from queue: inout PendingQueue, arch: Arch, workers: Int, grantCost: Double) -> [TestCase]

    /// The same for a worker whose warm session collected the files of `home` (`TestCase.home`).
    /// Default: ignores the home.
    func nextGrant(from queue: inout PendingQueue, arch: Arch, home: UInt8?, workers: Int, grantCost: Double) -> [TestCase]

    /// When the caller should ask for work on a worker's behalf. Default: `.whenIdle`.
    var refill: RefillTrigger { get }

    /// Called once, after the build's tests are queued and before the first grant, with the
    /// arch of each worker (a worker's id is its index here). Static strategies take their whole
    /// plan out of `queue` now; tests no worker here could run stay in `queue`. Default: nothing.
    mutating func prepare(queue: inout PendingQueue, workers: [Arch], grantCost: Double)

    /// The worker-aware form of `nextGrant`. Default: forwards to
    /// `nextGrant(from:arch:workers:grantCost:)`. An idle worker (`outstanding == 0`) gets an
    /// empty array only when nothing it could run is waiting; a busy one (asked because of
    /// `.afterEveryTest`) may get an empty array, meaning "not yet".
    mutating func nextGrant(from queue: inout PendingQueue, for request: GrantRequest) -> [TestCase]
}

/// When a strategy wants to be asked for a worker's next grant.
public enum RefillTrigger: Sendable, Hashable {
    /// When the worker has finished everything granted to it (testfleet's pull model).
    case whenIdle
    /// After every finished test, even while the worker still holds granted tests (xdist's
    /// watermark top-ups). A grant made to a busy worker runs after what it already holds.
    case afterEveryTest
}

/// What a strategy may know about the worker asking for work.
public struct GrantRequest: Sendable, Hashable {
    /// The worker's id: its index in the `workers` array given to `prepare`.
    public var worker: Int
    public var arch: Arch
    /// Workers online.
    public var workers: Int
    /// Fixed cost in seconds of starting one grant.
    public var grantCost: Double
    /// Tests granted to this worker that have not finished (the running one included).
    public var outstanding: Int
    /// Seconds the worker's most recently finished test took, when it has finished one.
    public var lastDuration: Double?

    public init(worker: Int, arch: Arch, workers: Int, grantCost: Double, outstanding: Int = 0, lastDuration: Double? = nil) {
        self.worker = worker
        self.arch = arch
        self.workers = workers
        self.grantCost = grantCost
        self.outstanding = outstanding
        self.lastDuration = lastDuration
    }
}

extension Scheduling {
    public var refill: RefillTrigger { .whenIdle }

    public func nextGrant(from queue: inout PendingQueue, arch: Arch, home: UInt8?, workers: Int, grantCost: Double) -> [TestCase] {
        nextGrant(from: &queue, arch: arch, workers: workers, grantCost: grantCost)
    }

    public mutating func prepare(queue: inout PendingQueue, workers: [Arch], grantCost: Double) {}

    public mutating func nextGrant(from queue: inout PendingQueue, for request: GrantRequest) -> [TestCase] {
        nextGrant(from: &queue, arch: request.arch, workers: request.workers, grantCost: request.grantCost)
    }
}
