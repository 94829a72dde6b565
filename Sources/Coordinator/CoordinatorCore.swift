import Model
import Planning
import Wire

/// The coordinator's state and every decision it makes: which workers are connected, which
/// leases they hold, each build's queues, retries and confirmation runs, when a build is done.
///
/// It does no I/O and reads no clock: the shell (`CoordinatorLoop`) passes the time in
/// milliseconds, stores results before calling `resultsStored(_:failedBuilds:)`, and carries out
/// the `effects` the core appends (messages to send, builds to finish, progress, log lines).
/// Tests drive it directly, with no socket and no process.
final class CoordinatorCore {
    let config: CoordinatorConfig
    /// Tells this coordinator process apart from a restarted one (in every welcome).
    let session: String
    let scheduler: any Scheduling = GuidedScheduling()
    /// Grants per slot, prefetching and how grants are sized (shared with the fleet simulation).
    let policy: GrantPolicy
    /// With TESTFLEET_TRACE set: where the loop's time goes (diagnostics only, never decisions).
    let profile: LoopProfile

    var workers: [[UInt8]: WorkerEntry] = [:]
    var leases: [UInt64: Lease] = [:]
    var builds: [String: BuildState] = [:]
    /// Running builds in submission order (see `nextWork`: priority first, then a fair share).
    var buildOrder: [String] = []
    /// Lease ids start at a random point per process, so a restarted coordinator's leases are
    /// not mistaken for its predecessor's (whose results workers may still send).
    var nextLease: UInt64
    var lastHeartbeatSent: UInt64 = 0
    /// Result batches received and not yet stored: the shell takes them, stores them together,
    /// and only then calls `resultsStored`, which acknowledges them.
    var received: [ReceivedBatch] = []
    /// The shell's clock as of its last call (milliseconds): lease deadlines count from it.
    var clock: UInt64 = 0
    /// Leases revoked recently, so their late results are refused quietly.
    var endedLeases = EndedLeases()
    /// Leases taken back past their deadline since start (for metrics).
    var leaseExpiries = 0
    /// The next `Reclaim`'s id.
    var nextReclaim: UInt64 = 1
    /// A lease just queued the retries of a test expected to fail beside its first attempt
    /// (`BuildState.queueEarlyRetries`): the other workers' retry lanes are offered them.
    var earlyRetriesQueued = false
    /// Tests workers gave back unrun, for workers that had run out of work (for metrics).
    var testsHandedBack = 0
    /// What to do, in order, since the shell last took them (it swaps this out, so the buffer is
    /// reused rather than reallocated every turn).
    var effects: [CoordinatorEffect] = []

    init(config: CoordinatorConfig, session: String, firstLease: UInt64 = 1,
         profile: LoopProfile = LoopProfile(enabled: false)) {
        self.config = config
        self.policy = GrantPolicy(grantsPerSlot: config.grantsPerSlot)
        self.session = session
        self.nextLease = max(1, firstLease)
        self.profile = profile
    }

    func send(_ message: Message, to identity: [UInt8]) { effects.append(.send(message, to: identity)) }

    /// One decoded message from a peer. Client requests (`submit`, `reportRequest`,
    /// `previousBuildRequest`) need the planner and the store: the shell answers those itself.
    func receive(_ message: Message, from identity: [UInt8], now: UInt64) {
        clock = max(clock, now)
        if let worker = workers[identity] { worker.lastSeen = now }
        switch message {
        case .hello(let hello):
            welcome(hello, identity: identity, now: now)
        case .ready(let ready):
            guard let worker = knownWorker(identity) else { return }
            // What a worker claims to have free never exceeds what its hello said it has.
            worker.capacity = min(max(0, ready.freeSlots), worker.maxCapacity)
            grant(to: worker)
        case .results(let batch):
            // Checked here; stored (and acknowledged) at the end of this turn, with the others.
            receiveResults(batch, from: identity)
        case .heartbeat:
            guard let worker = knownWorker(identity) else { return }
            worker.lastSeen = now
        case .goodbye(let goodbye):
            dropWorker(identity, reason: "said goodbye (\(goodbye.reason))")
        case .refusal(let refusal):
            refused(refusal, from: identity)
        case .cancel(let cancel):
            self.cancel(cancel.build, reason: cancel.reason.isEmpty ? "cancelled by a client" : cancel.reason, by: identity)
        case .submit, .reportRequest, .previousBuildRequest:
            break
        case .error(let error):
            effects.append(.log("peer \(printable(identity)) reported: \(error.code): \(error.message)"))
        case .welcome, .assign, .ack, .progress, .verdict, .report, .revoke, .reclaim, .previousBuild:
            send(.error(ErrorMessage(code: "bad-message", message: "a coordinator does not accept this kind")), to: identity)
        }
    }

    func welcome(_ hello: Hello, identity: [UInt8], now: UInt64) {
        guard Message.compatibleVersions.contains(hello.version) else {
            let text = "worker \(hello.worker) speaks protocol version \(hello.version); this coordinator speaks "
                + "\(Message.compatibleVersions.lowerBound)...\(Message.compatibleVersions.upperBound): refused (run the same testfleet release on both)"
            effects.append(.log(text))
            send(.error(ErrorMessage(code: "incompatible-version", message: text)), to: identity)
            return
        }
        if let previous = workers[identity] {
            if hello.instance != 0 && previous.instance == hello.instance {
                // The same process thought this coordinator was gone (a slow network, a busy
                // machine): its grants are still running, so it keeps them.
                previous.lastSeen = now
                send(.welcome(Welcome(session: session, heartbeatMilliseconds: config.heartbeatMilliseconds)), to: identity)
                return
            }
            // A worker that restarted has lost its state: its leases are void.
            dropWorker(identity, reason: "said hello again")
        }
        let info = HelloInfo(worker: hello.worker, arch: hello.arch, slots: hello.slots, pid: hello.pid, instance: hello.instance)
        let capacity = policy.capacity(slots: min(hello.slots, config.maxSlotsPerWorker))
        let worker = WorkerEntry(identity: identity, hello: info, capacity: capacity, now: now)
        workers[identity] = worker
        send(.welcome(Welcome(session: session, heartbeatMilliseconds: config.heartbeatMilliseconds)), to: identity)
        grant(to: worker)
    }

    func knownWorker(_ identity: [UInt8]) -> WorkerEntry? {
        if let worker = workers[identity] { return worker }
        askToSayHello(identity)
        return nil
    }

    /// After a coordinator restart, workers it never met keep talking: ask them to say hello.
    func askToSayHello(_ identity: [UInt8]) {
        send(.error(ErrorMessage(code: "unknown-worker", message: "say hello first")), to: identity)
    }

    /// Hands over the batches received since the last call, for the shell to store.
    func takeReceived() -> [ReceivedBatch] {
        var taken: [ReceivedBatch] = []
        swap(&taken, &received)
        return taken
    }

    /// Timers (the shell calls this every 100 ms or so): dead workers, heartbeats, progress, and
    /// a retry of grants to idle workers.
    func housekeeping(now: UInt64) {
        clock = max(clock, now)
        for worker in Array(workers.values) where now &- worker.lastSeen > UInt64(config.workerTimeoutMilliseconds) {
            dropWorker(worker.identity, reason: "silent for \(now &- worker.lastSeen) ms")
        }
        expireLeases()
        abortUnservableBuilds()
        // A timer of its own: housekeeping runs at uneven intervals, and a heartbeat a worker
        // misses makes it think the coordinator restarted (it says hello again and its running
        // grants are requeued and run twice).
        if now &- lastHeartbeatSent >= UInt64(config.heartbeatMilliseconds) {
            lastHeartbeatSent = now
            for worker in workers.values { send(.heartbeat(Heartbeat()), to: worker.identity) }
        }
        for id in buildOrder {
            guard let build = builds[id], !build.finished, now &- build.lastProgressAt >= 250 else { continue }
            build.lastProgressAt = now
            let progress = progress(of: build)
            effects.append(.progress(progress))
            for client in build.watchers { send(.progress(progress), to: client) }
        }
        grantAll()
    }

    /// The coordinator is stopping: every worker is told so.
    func sayGoodbye() {
        for worker in workers.values { send(.goodbye(Goodbye(reason: "coordinator shutting down")), to: worker.identity) }
    }

    func printable(_ identity: [UInt8]) -> String {
        String(decoding: identity, as: UTF8.self).filter { !$0.isASCII || ($0.isLetter || $0.isNumber || "-_.:".contains($0)) }
    }
}
