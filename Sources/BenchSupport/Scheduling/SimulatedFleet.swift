public import Model
public import Planning

/// A discrete-event simulation, in SIMULATED time, of the live coordinator serving one build to
/// workers with slots — the model behind `bench/run balance`, which checks it against a real run.
///
/// Unlike `SimulatedCluster` (one runner per worker, a grant asked for when idle: the model the
/// strategy comparison of `bench/run makespan` uses), this one does what the coordinator and
/// worker processes do:
///
/// - a worker holds up to `policy.capacity(slots:)` grants (one running per slot, the rest
///   prefetched into its local first-in-first-out queue, which all its slots take from), and
///   none prefetched when `policy.mayGrant` says grants are too expensive for that;
/// - grants are sized by `scheduler` as one of `policy.shares` — every grant the fleet holds;
/// - a lease ends when its last test ends; the coordinator hears it `roundTrip / 2` later (the
///   results' way and the store) and its next grants reach the worker `roundTrip / 2` after that;
/// - every grant costs its slot `grantCost` seconds before its first test, every test
///   `perTestOverhead` on top of its own time (the adapter's and the result's cost);
/// - at time 0 every worker is connected and the coordinator fills each to its capacity in
///   worker order (a build submitted to a running fleet).
public struct SimulatedFleet: Sendable {
    /// Slots of each worker; a worker's id is its index.
    public var slots: [Int]
    public var policy: GrantPolicy
    /// What the scheduler is told a grant costs, and what a slot pays per grant.
    public var grantCost: Double
    /// Seconds from a lease's last test ending to the worker holding its replacement.
    public var roundTrip: Double
    public var perTestOverhead: Double
    public var scheduler: any Scheduling
    /// Sizes grants as one of this many shares instead of `policy.shares`: set to the worker
    /// count, it replays the coordinator before issue 12, which sized grants by workers.
    public var sizedFor: Int?

    public init(slots: [Int], policy: GrantPolicy = GrantPolicy(), grantCost: Double, roundTrip: Double,
                perTestOverhead: Double = 0, scheduler: any Scheduling = GuidedScheduling(), sizedFor: Int? = nil) {
        self.sizedFor = sizedFor
        self.slots = slots
        self.policy = policy
        self.grantCost = grantCost
        self.roundTrip = roundTrip
        self.perTestOverhead = perTestOverhead
        self.scheduler = scheduler
    }

    public struct Outcome: Sendable {
        /// Simulated seconds until the last test ended.
        public var makespan: Double
        public var grants: Int
        /// Seconds of test time (actual) each worker ran.
        public var workPerWorker: [Double]
        /// Tests that ran (all of them, unless a strategy left some behind).
        public var ran: Int
    }

    private struct Grant {
        var lease: Int
        var tests: [TestCase]
    }

    private enum EventKind {
        /// A slot of a worker is free (it finished a test or a grant arrived).
        case slotFree(worker: Int, slot: Int)
        /// The coordinator heard a lease end and grants to the worker.
        case leaseEnded(worker: Int)
        /// Grants reach a worker.
        case arrive(worker: Int, grants: [Grant])
    }

    private struct Event {
        var time: Double
        var order: Int
        var kind: EventKind
    }

    /// Runs `tests` (their `predicted` is what the scheduler sees) where a test really takes
    /// `actualSeconds(test)`.
    public func run(tests: [TestCase], actualSeconds: (TestCase) -> Double) -> Outcome {
        let scheduler = self.scheduler
        var queue = PendingQueue()
        queue.add(tests)
        let shares = sizedFor ?? policy.shares(slotsOnline: slots.reduce(0, +), expectedWorkers: 0, grantCost: grantCost)
        var events: [Event] = []
        var order = 0
        func push(_ time: Double, _ kind: EventKind) {
            events.append(Event(time: time, order: order, kind: kind))
            order += 1
        }
        var held = Array(repeating: 0, count: slots.count)            // leases per worker (coordinator's view)
        var local = Array(repeating: [Grant](), count: slots.count)   // queued on the worker
        var slotBusy = slots.map { Array(repeating: false, count: $0) }
        var running = slots.map { Array(repeating: (grant: Grant?.none, next: 0), count: $0) }
        var work = Array(repeating: 0.0, count: slots.count)
        var grants = 0, ran = 0, lastEnd = 0.0, nextLease = 0

        func grantTo(_ worker: Int, at time: Double) {
            var made: [Grant] = []
            while held[worker] < policy.capacity(slots: slots[worker]) {
                guard policy.mayGrant(running: held[worker], grantCost: grantCost) else { break }
                let cases = scheduler.nextGrant(from: &queue, arch: .x86_64, workers: shares, grantCost: grantCost)
                guard !cases.isEmpty else { break }
                held[worker] += 1
                grants += 1
                made.append(Grant(lease: nextLease, tests: cases))
                nextLease += 1
            }
            if !made.isEmpty { push(time, .arrive(worker: worker, grants: made)) }
        }
        for worker in slots.indices { grantTo(worker, at: 0) }

        while !events.isEmpty {
            // Earliest first; equal times in the order they were made (a small list: a scan).
            var best = 0
            for i in events.indices.dropFirst()
            where events[i].time < events[best].time || (events[i].time == events[best].time && events[i].order < events[best].order) {
                best = i
            }
            events.swapAt(best, events.count - 1)
            let event = events.removeLast()
            let now = event.time
            switch event.kind {
            case .arrive(let worker, let newGrants):
                local[worker] += newGrants
                // Idle slots wake (and are taken at once, so a second arrival does not wake them twice).
                for slot in 0..<slots[worker] where !slotBusy[worker][slot] {
                    slotBusy[worker][slot] = true
                    push(now, .slotFree(worker: worker, slot: slot))
                }
            case .leaseEnded(let worker):
                held[worker] -= 1
                grantTo(worker, at: now + roundTrip / 2)
            case .slotFree(let worker, let slot):
                var state = running[worker][slot]
                if let grant = state.grant, state.next < grant.tests.count {
                    // The slot runs the grant's next test.
                    let test = grant.tests[state.next]
                    let seconds = actualSeconds(test)
                    state.next += 1
                    running[worker][slot] = state
                    slotBusy[worker][slot] = true
                    work[worker] += seconds
                    ran += 1
                    let end = now + seconds + perTestOverhead
                    lastEnd = max(lastEnd, end)
                    if state.next == grant.tests.count { push(end + roundTrip / 2, .leaseEnded(worker: worker)) }
                    push(end, .slotFree(worker: worker, slot: slot))
                } else if !local[worker].isEmpty {
                    // A new grant: pay its cost, then its first test.
                    let grant = local[worker].removeFirst()
                    running[worker][slot] = (grant, 0)
                    slotBusy[worker][slot] = true
                    push(now + grantCost, .slotFree(worker: worker, slot: slot))
                } else {
                    running[worker][slot] = (nil, 0)
                    slotBusy[worker][slot] = false
                }
            }
        }
        return Outcome(makespan: lastEnd, grants: grants, workPerWorker: work, ran: ran)
    }
}
