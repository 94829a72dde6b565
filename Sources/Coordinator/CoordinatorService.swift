import Foundation
public import Model
public import Store
import Transport
public import Wire

/// The coordinator: a ROUTER socket on its own thread, holding the builds' queues, handing work
/// to workers as leases, storing results before acknowledging them, and computing verdicts.
///
/// Other threads talk to it through `submit(_:)`, `workerLost(pid:)` and `shutdown()`; those
/// post to a control queue and wake the loop, which owns all state (no locks on the hot path).
public final class CoordinatorService: Sendable {
    enum Control: Sendable {
        case submit(PlannedBuild)
        case workerLost(pid: Int)
        case shutdown
        /// Results of work done off the loop, posted back to it.
        case admit(HandOff<BuildState>)
        /// A large `submit` decoded off the loop, from `client`.
        case submitted(Submit, client: [UInt8])
        case refuse(String, TestfleetError)
        case answered(BuildOutcome)
        case finished(BuildOutcome)
        case reply(Message, to: [UInt8])
        /// Result batches the store queue wrote (all but those of `failedBuilds`).
        case stored([ReceivedBatch], failedBuilds: Set<String>, milliseconds: Double)
        /// The store queue wrote how a build ended.
        case endStored(String)
        /// The store's answer to `CoordinatorEffect.askWhetherBlocking`.
        case blocking(build: String, test: String, blocks: Bool)

        /// What kind of control it is, for the log (never its payload: a million-test plan
        /// described as text takes half a minute).
        var name: String {
            switch self {
            case .submit(let planned): "submit \(planned.spec.id)"
            case .workerLost(let pid): "worker process \(pid) lost"
            case .shutdown: "shutdown"
            case .admit(let prepared): "admit \(prepared.value.id) (\(prepared.value.total) tests)"
            case .submitted(let submit, _): "submitted \(submit.spec.id)"
            case .refuse(let build, _): "refuse \(build)"
            case .answered(let outcome): "answered \(outcome.build)"
            case .finished(let outcome): "finished \(outcome.build)"
            case .reply: "reply"
            case .stored(let batches, _, _): "stored \(batches.count) batches (\(batches.reduce(0) { $0 + $1.batch.results.count }) results)"
            case .endStored(let build): "ending of \(build) stored"
            case .blocking(let build, let test, _): "whether \(test) blocks \(build)"
            }
        }
    }

    public let config: CoordinatorConfig
    let store: Store
    let planner: BuildPlanner
    let planAccepter: PlanAccepter?
    let verdictProvider: VerdictProvider
    let progressHandler: (@Sendable (BuildProgress) -> Void)?
    let reportProvider: ReportProvider?
    let context = ZMQContext()
    let controls = Locked<[Control]>([])
    let wake = EventSignal()
    let outcomes = Locked<[String: BuildOutcome]>([:])
    /// Builds in `outcomes`, oldest first: only the newest `keptOutcomes` are kept, so a
    /// long-running service does not hold every verdict it ever gave (the store has them).
    let outcomeOrder = Locked<[String]>([])
    static let keptOutcomes = 256
    let outcomeSignal = NSCondition()
    let boundEndpoint = Locked<String?>(nil)
    let thread = Locked<Thread?>(nil)
    let stopped = Locked<Bool>(false)
    /// Set when the loop ends with an error (bind failed, store broke).
    let failure = Locked<String?>(nil)
    /// The loop's latest published figures (see `metrics()`).
    let published = Locked<FleetMetrics>(FleetMetrics())

    /// - Parameters:
    ///   - planner: turns a submitted spec into a planned build (used for `submit` and resume).
    ///   - verdict: the gate, applied to each finished build.
    ///   - progress: called on the coordinator thread, at most a few times a second per build.
    ///   - accept: validates a build `submit` planned in its checkout and gives its tests
    ///     predictions from this coordinator's timing history (nil: planned builds are refused).
    ///   - reports: renders a finished build's results for a client's `ReportRequest` (nil: the
    ///     coordinator answers such requests with an error).
    public init(config: CoordinatorConfig, store: Store, planner: @escaping BuildPlanner,
                verdict: @escaping VerdictProvider, progress: (@Sendable (BuildProgress) -> Void)? = nil,
                reports: ReportProvider? = nil, accept: PlanAccepter? = nil) {
        self.config = config
        self.store = store
        self.planner = planner
        self.planAccepter = accept
        self.verdictProvider = verdict
        self.progressHandler = progress
        self.reportProvider = reports
    }

    /// Binds and starts the loop thread; returns the bound endpoint. Builds the store holds as
    /// still running are resumed from their stored results.
    @discardableResult
    public func start() throws -> String {
        let ready = DispatchSemaphore(value: 0)
        let loopThread = Thread { [self] in
            do {
                let loop = try CoordinatorLoop(service: self)
                boundEndpoint.withLock { $0 = loop.endpoint }
                ready.signal()
                loop.run()
            } catch {
                failure.withLock { $0 = "\(error)" }
                ready.signal()
            }
            stopped.withLock { $0 = true }
            outcomeSignal.broadcast()
        }
        loopThread.name = "testfleet-coordinator"
        loopThread.stackSize = 4 << 20
        thread.withLock { $0 = loopThread }
        loopThread.start()
        ready.wait()
        if let message = failure.withLock({ $0 }) { throw CoordinatorError(message) }
        return boundEndpoint.withLock { $0 } ?? config.endpoint
    }

    /// Submits a planned build (from this process).
    public func submit(_ build: PlannedBuild) { post(.submit(build)) }

    /// Tells the coordinator a local worker process died, so its leases are requeued now rather
    /// than after the heartbeat timeout.
    public func workerLost(pid: Int32) { post(.workerLost(pid: Int(pid))) }

    /// Says goodbye to the workers and stops the loop; returns when the thread has ended.
    public func shutdown() {
        post(.shutdown)
        while !stopped.withLock({ $0 }) { usleep(2000) }
    }

    /// The coordinator's figures as its loop last published them (about every 100 ms): safe from
    /// any thread, never waits for the loop. `publishedAtUptimeMilliseconds` stops moving when
    /// the loop stops turning.
    public func metrics() -> FleetMetrics { published.withLock { $0 } }

    /// Whether the loop is running and published within `milliseconds` (a readiness probe).
    public func isTurning(within milliseconds: UInt64 = 5000) -> Bool {
        guard !stopped.withLock({ $0 }) else { return false }
        let last = metrics().publishedAtUptimeMilliseconds
        let now = DispatchTime.now().uptimeNanoseconds / 1_000_000
        return last != 0 && now &- last <= milliseconds
    }

    /// Blocks until the build finishes (or the coordinator stops, or `timeout` seconds pass).
    public func waitForBuild(_ id: String, timeout: Double = .infinity) -> BuildOutcome? {
        let deadline = Date(timeIntervalSinceNow: min(timeout, 1e9))
        outcomeSignal.lock()
        defer { outcomeSignal.unlock() }
        while true {
            if let outcome = outcomes.withLock({ $0[id] }) { return outcome }
            if stopped.withLock({ $0 }) { return nil }
            if !outcomeSignal.wait(until: min(deadline, Date(timeIntervalSinceNow: 0.25))) && Date() >= deadline {
                return nil
            }
        }
    }

    func post(_ control: Control) {
        controls.withLock { $0.append(control) }
        wake.signal()
    }

    func publish(_ outcome: BuildOutcome) {
        outcomeSignal.lock()
        let evicted = outcomeOrder.withLock { order -> [String] in
            order.append(outcome.build)
            guard order.count > Self.keptOutcomes else { return [] }
            defer { order.removeFirst(order.count - Self.keptOutcomes) }
            return Array(order.prefix(order.count - Self.keptOutcomes))
        }
        outcomes.withLock { table in
            table[outcome.build] = outcome
            for build in evicted where build != outcome.build { table[build] = nil }
        }
        outcomeSignal.broadcast()
        outcomeSignal.unlock()
    }
}

/// The coordinator could not start or stopped on an infrastructure error.
public struct CoordinatorError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
