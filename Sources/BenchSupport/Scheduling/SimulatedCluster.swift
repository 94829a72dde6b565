public import Model
public import Planning

/// A discrete-event simulation of workers running a build, in SIMULATED time: no clock, no
/// processes, just an event list. It exists to compare scheduling strategies (`bench/run
/// makespan`) under the same cost model as testfleet's workers:
///
/// - every grant pays `grantCost` simulated seconds (process start-up plus messages) before its
///   first test, and a worker runs its tests one after another;
/// - a worker asks for work when it has nothing left (`RefillTrigger.whenIdle`), or after every
///   finished test (`.afterEveryTest`, xdist's top-ups; a grant made while busy runs after what
///   the worker already holds);
/// - a worker that asks while idle and gets nothing is done.
public struct SimulatedCluster: Sendable {
    /// Each worker's arch; a worker's id is its index.
    public var workers: [Arch]
    /// Simulated seconds every grant costs before its first test.
    public var grantCost: Double

    public init(workers: [Arch], grantCost: Double) {
        self.workers = workers
        self.grantCost = grantCost
    }

    /// What happened in one simulated run.
    public struct Outcome: Sendable {
        /// Simulated seconds until the last worker finished.
        public var makespan: Double
        /// Grants handed out (each paid `grantCost`).
        public var grants: Int
        /// Simulated time each worker finished its last test (0 if it never got one).
        public var finishTimes: [Double]
        /// Which worker ran each test, in the order tests finished.
        public var ranOn: [(test: TestCase, worker: Int)]
        /// Tests still waiting when every worker had stopped (e.g. pinned to an absent arch).
        public var leftOver: Int
    }

    /// Runs `tests` with `strategy` from simulated time 0; `actualSeconds` gives how long a
    /// test really takes (its `predicted` is only what the strategy sees).
    public func run(_ strategy: some Scheduling, tests: [TestCase], actualSeconds: (TestCase) -> Double) -> Outcome {
        var strategy = strategy
        var queue = PendingQueue()
        queue.add(tests)
        strategy.prepare(queue: &queue, workers: workers, grantCost: grantCost)
        let asksAfterEveryTest = strategy.refill == .afterEveryTest

        var held = Array(repeating: [Slot](), count: workers.count)
        var next = Array(repeating: 0, count: workers.count)
        var finishTimes = Array(repeating: 0.0, count: workers.count)
        var events = EventHeap()
        var grants = 0
        var ranOn: [(test: TestCase, worker: Int)] = []
        ranOn.reserveCapacity(tests.count)

        func ask(_ worker: Int, lastDuration: Double?) {
            let request = GrantRequest(
                worker: worker, arch: workers[worker], workers: workers.count, grantCost: grantCost,
                outstanding: held[worker].count - next[worker], lastDuration: lastDuration)
            let grant = strategy.nextGrant(from: &queue, for: request)
            guard !grant.isEmpty else { return }
            grants += 1
            // Drop what the worker already ran so its list stays as short as what it holds.
            if next[worker] > 1024 && next[worker] * 2 > held[worker].count {
                held[worker].removeFirst(next[worker])
                next[worker] = 0
            }
            for (index, test) in grant.enumerated() {
                held[worker].append(Slot(test: test, actual: actualSeconds(test), opensGrant: index == 0))
            }
        }

        func startNext(_ worker: Int, at time: Double) {
            let slot = held[worker][next[worker]]
            events.push(Event(time: time + (slot.opensGrant ? grantCost : 0) + slot.actual, worker: worker))
        }

        for worker in workers.indices {
            ask(worker, lastDuration: nil)
            if next[worker] < held[worker].count { startNext(worker, at: 0) }
        }
        while let event = events.pop() {
            let worker = event.worker
            let finished = held[worker][next[worker]]
            next[worker] += 1
            ranOn.append((finished.test, worker))
            finishTimes[worker] = event.time
            if asksAfterEveryTest || next[worker] == held[worker].count {
                ask(worker, lastDuration: finished.actual)
            }
            if next[worker] < held[worker].count { startNext(worker, at: event.time) }
        }
        return Outcome(
            makespan: finishTimes.max() ?? 0, grants: grants, finishTimes: finishTimes, ranOn: ranOn,
            leftOver: queue.count)
    }
}

/// A granted test on a worker's local list.
private struct Slot {
    var test: TestCase
    var actual: Double
    /// The first test of a grant: the worker pays the grant cost before it.
    var opensGrant: Bool
}

/// "Worker finishes its current test at `time`."
private struct Event {
    var time: Double
    var worker: Int

    /// Earlier first; equal times by worker id, so runs are deterministic.
    static func < (l: Event, r: Event) -> Bool { l.time != r.time ? l.time < r.time : l.worker < r.worker }
}

/// A binary min-heap of events.
private struct EventHeap {
    private var items: [Event] = []

    mutating func push(_ event: Event) {
        items.append(event)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Event? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < items.count && items[left] < items[smallest] { smallest = left }
                if right < items.count && items[right] < items[smallest] { smallest = right }
                if smallest == parent { break }
                items.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return top
    }
}
