@testable import Coordinator
import Model
import Wire

/// A coordinator core with a clock turned by hand, speaking for its workers the way the ZeroMQ
/// shell would: messages in, results stored (here: nowhere) before `resultsStored`, effects out.
final class FleetHarness {
    let core: CoordinatorCore
    /// Milliseconds on the coordinator's clock.
    var now: UInt64 = 10_000
    /// Every effect the core decided, in order, as the shell would have carried them out.
    private(set) var effects: [CoordinatorEffect] = []
    private var nextSequence: UInt64 = 1

    init(workerTimeoutMilliseconds: Int = 5000) {
        let config = CoordinatorConfig(endpoint: "tcp://127.0.0.1:0", heartbeatMilliseconds: 1000,
                                       workerTimeoutMilliseconds: workerTimeoutMilliseconds, grantsPerSlot: 1)
        core = CoordinatorCore(config: config, session: "session-1")
    }

    static func identity(_ worker: String) -> [UInt8] { Array(worker.utf8) }

    /// Moves the core's effects into `effects` and returns the new ones.
    @discardableResult
    func drain() -> [CoordinatorEffect] {
        let new = core.effects
        core.effects.removeAll()
        effects += new
        return new
    }

    func hello(_ worker: String, pid: Int = 0, instance: UInt64 = 1) {
        let hello = Hello(worker: worker, arch: .x86_64, slots: 1, pid: pid, instance: instance)
        core.receive(.hello(hello), from: Self.identity(worker), now: now)
        drain()
    }

    func heartbeat(from worker: String) {
        core.receive(.heartbeat(Heartbeat()), from: Self.identity(worker), now: now)
        drain()
    }

    /// Starts a build of `tests` (one suite; a grant cost that sizes one even share per worker).
    func start(_ tests: [String], id: String = "b1", maxAttempts: Int = 1, confirmAttempts: Int = 0,
               confirmLimit: Int = 10, predicted: [Double]? = nil, homes: (tests: [UInt8], workers: [String: UInt8])? = nil,
               processSetupSeconds: Double = 0) {
        start(cases: tests.enumerated().map { TestCase(name: $1, suite: 0, predicted: predicted?[$0] ?? 0) }, id: id,
              maxAttempts: maxAttempts, confirmAttempts: confirmAttempts, confirmLimit: confirmLimit, homes: homes,
              processSetupSeconds: processSetupSeconds)
    }

    /// Starts a build of `cases` as given (their history flags: `knownBreak`, `neverPassed`), in
    /// the suite's first build or a later one.
    func start(cases: [TestCase], id: String = "b1", maxAttempts: Int = 1, confirmAttempts: Int = 0,
               confirmLimit: Int = 10, firstBuild: Bool = false, homes: (tests: [UInt8], workers: [String: UInt8])? = nil,
               processSetupSeconds: Double = 0) {
        let spec = BuildSpec(id: id, suite: "sim:unit", maxAttempts: maxAttempts, confirmAttempts: confirmAttempts,
                             confirmLimit: confirmLimit)
        var planned = PlannedBuild(
            spec: spec, suites: [SuiteDefinition(name: "unit", adapter: .simulated, directory: "/")], tests: cases, grantCost: 1)
        planned.firstBuild = firstBuild
        if let homes {
            for index in planned.tests.indices { planned.tests[index].home = homes.tests[index] }
            planned.homes = homes.workers
        }
        planned.processSetupSeconds = processSetupSeconds
        core.start(planned, stored: [:], watcher: nil, now: now)
        drain()
    }

    func housekeeping() {
        core.housekeeping(now: now)
        drain()
    }

    /// A worker reports results of a lease; the batch is stored, then acknowledged and applied.
    func report(_ worker: String, lease: UInt64, build: String = "b1", _ results: [(String, Int, Outcome)],
                sequence: UInt64? = nil, duration: Double = 0.01) {
        let sequence = sequence ?? nextSequence
        nextSequence = max(nextSequence, sequence + 1)
        let batch = ResultBatch(lease: lease, build: build, sequence: sequence, results: results.map {
            TestResult(test: $0.0, attempt: $0.1, outcome: $0.2, duration: duration, worker: worker, arch: .x86_64)
        })
        core.receive(.results(batch), from: Self.identity(worker), now: now)
        core.resultsStored(core.takeReceived(), failedBuilds: [])
        drain()
    }

    /// A worker reports results that say where they ran (`RunPlace`), as real workers do.
    func report(_ worker: String, lease: UInt64, build: String = "b1", placed results: [(String, Int, Outcome, RunPlace)],
                duration: Double = 0.01) {
        let batch = ResultBatch(lease: lease, build: build, sequence: nextSequence, results: results.map {
            TestResult(test: $0.0, attempt: $0.1, outcome: $0.2, duration: duration, worker: worker, arch: .x86_64, place: $0.3)
        })
        nextSequence += 1
        core.receive(.results(batch), from: Self.identity(worker), now: now)
        core.resultsStored(core.takeReceived(), failedBuilds: [])
        drain()
    }

    /// Reports every test of `assign` with one outcome.
    func report(_ worker: String, _ assign: Assign, _ outcome: Outcome) {
        report(worker, lease: assign.lease, build: assign.build, assign.tests.map { ($0.name, $0.attempt, outcome) })
    }

    /// The grants sent to `worker` among `effects`.
    func assigns(to worker: String, in effects: [CoordinatorEffect]? = nil) -> [Assign] {
        (effects ?? self.effects).compactMap {
            if case .send(.assign(let assign), let to) = $0, to == Self.identity(worker) { return assign }
            return nil
        }
    }

    /// A build the core runs, or one it finished (a finished build leaves the core's memory; the
    /// finish effect still holds it).
    func build(_ id: String) -> BuildState? {
        if let build = core.builds[id] { return build }
        for effect in effects.reversed() {
            if case .finish(let build, _) = effect, build.id == id { return build }
            if case .end(let build, _, _, _) = effect, build.id == id { return build }
        }
        return nil
    }

    /// The (build, test) pairs the core asked about (`askWhetherBlocking`), in order.
    var askedWhetherBlocking: [String] {
        effects.compactMap {
            if case .askWhetherBlocking(let build, let test) = $0 { return "\(build)/\(test)" }
            return nil
        }
    }

    /// Answers the core's question about `test` of `build` as the store would.
    func answerWhetherBlocking(build: String = "b1", test: String, blocks: Bool) {
        core.blockingAnswered(build: build, test: test, blocks: blocks)
        drain()
    }

    /// The builds the core said to finish, in order.
    var finished: [String] {
        effects.compactMap {
            if case .finish(let build, _) = $0 { return build.id }
            return nil
        }
    }
}
