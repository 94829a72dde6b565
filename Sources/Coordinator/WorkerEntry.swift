import Model

/// A connected worker as the coordinator sees it.
final class WorkerEntry {
    let identity: [UInt8]
    let id: String
    let arch: Arch
    let slots: Int
    let pid: Int
    let instance: UInt64
    /// Grants it may hold at once; 0 while it drains.
    var capacity: Int
    /// The most `capacity` may be: its hello's slots (capped by the coordinator) × grants per slot.
    let maxCapacity: Int
    /// Builds this worker refused a grant of, or let a lease of expire: it gets none of their
    /// work again (another worker will do it).
    var shunnedBuilds: Set<String> = []
    var lastSeen: UInt64
    var leases: Set<UInt64> = []
    /// When one of its leases last ran out (core clock, ms): a lease that waited behind it has
    /// run since about then, which is what `Lease.runningFor` counts from.
    var lastRanOutAt: UInt64 = 0

    init(identity: [UInt8], hello: HelloInfo, capacity: Int, now: UInt64) {
        self.identity = identity
        self.id = hello.worker
        self.arch = hello.arch
        self.slots = hello.slots
        self.pid = hello.pid
        self.instance = hello.instance
        self.capacity = capacity
        self.maxCapacity = capacity
        self.lastSeen = now
    }
}

/// The parts of a hello the coordinator keeps.
struct HelloInfo {
    var worker: String
    var arch: Arch
    var slots: Int
    var pid: Int
    var instance: UInt64
}

/// A grant in flight: which tests (index → attempt) are still unreported.
struct Lease {
    let id: UInt64
    let worker: [UInt8]
    let build: String
    var remaining: [Int: Int]
    /// When the coordinator takes it back, heartbeats or not (its results move it later).
    var deadline: UInt64 = .max
    /// How long one stretch of it may take (its tests' timeouts plus the grace): each accepted
    /// result batch moves the deadline to at least now + this.
    var budget: UInt64 = .max
    /// Its predicted work (see `BuildState.grantedWork`), counted in flight until it ends.
    var work = 0.0
    /// Granted past the worker's capacity, to its retry lane (at most one such lease at a time).
    var retryLane = false
    /// Tests of it whose results have arrived (checked, maybe not stored yet), and how many have
    /// not: at 0 the worker has run the whole grant, so its slot counts as free and it gets its
    /// next grant at once — not after the store, which may wait behind an off-loop write.
    var arrived: Set<Int> = []
    var notArrived: Int
    /// The granted tests in the order the worker runs them (ordinary leases; retry-lane ones
    /// are never reclaimed and leave it empty).
    var order: [Int] = []
    /// The id of the `Reclaim` sent for it and not yet answered.
    var reclaim: UInt64?
    /// Its worker answered a reclaim with nothing (its runner cannot stop early): not asked again.
    var keepsItsTests = false
    /// When it was granted, and when its latest result arrived (core clock, ms).
    var grantedAt: UInt64 = 0
    var lastArrivalAt: UInt64 = 0
    /// Its latest result's seconds over that test's predicted seconds (1 unless it was late by
    /// more than a slack, see `CoordinatorCore.overrun`): above 1, the predictions of what it
    /// still holds are likely low too (a first build's guesses; see `reclaimSplit`).
    var pace = 1.0

    init(id: UInt64, worker: [UInt8], build: String, remaining: [Int: Int], deadline: UInt64, budget: UInt64,
         work: Double, retryLane: Bool) {
        self.id = id
        self.worker = worker
        self.build = build
        self.remaining = remaining
        self.deadline = deadline
        self.budget = budget
        self.work = work
        self.retryLane = retryLane
        self.notArrived = remaining.count
    }

    /// The worker no longer runs any of it (every result arrived).
    var ranOut: Bool { notArrived <= 0 }

    /// Its tests whose results have not arrived, in the order its worker runs them: the first is
    /// running, or next to run.
    var waiting: [Int] { order.filter { remaining[$0] != nil && !arrived.contains($0) } }

    /// Milliseconds its running test has run for, at most: since its latest result, its grant, or
    /// the worker's previous lease running out (before that it waited its turn), whichever is
    /// latest. With several slots another slot's lease may be what ran out: an underestimate,
    /// which only makes a reclaim less likely.
    func runningFor(now: UInt64, workerRanOutAt: UInt64) -> UInt64 {
        now &- min(now, max(grantedAt, lastArrivalAt, workerRanOutAt))
    }
}
