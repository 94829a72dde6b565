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
    /// With TESTFLEET_TRACE set: where the loop's time goes (diagnostics only, never decisions).
    let profile: LoopProfile

    var workers: [[UInt8]: WorkerEntry] = [:]
    var leases: [UInt64: Lease] = [:]
    var builds: [String: BuildState] = [:]
    /// Builds in submission order: the oldest gets work first.
    var buildOrder: [String] = []
    var nextLease: UInt64 = 1
    var lastHeartbeatSent: UInt64 = 0
    /// Result batches received and not yet stored: the shell takes them, stores them together,
    /// and only then calls `resultsStored`, which acknowledges them.
    private(set) var received: [ReceivedBatch] = []
    /// What to do, in order, since the shell last took them (it swaps this out, so the buffer is
    /// reused rather than reallocated every turn).
    var effects: [CoordinatorEffect] = []

    init(config: CoordinatorConfig, session: String, profile: LoopProfile = LoopProfile(enabled: false)) {
        self.config = config
        self.session = session
        self.profile = profile
    }

    func send(_ message: Message, to identity: [UInt8]) { effects.append(.send(message, to: identity)) }

    /// One decoded message from a peer. Client requests (`submit`, `reportRequest`) need the
    /// planner and the store: the shell answers those itself.
    func receive(_ message: Message, from identity: [UInt8], now: UInt64) {
        if let worker = workers[identity] { worker.lastSeen = now }
        switch message {
        case .hello(let hello):
            welcome(hello, identity: identity, now: now)
        case .ready(let ready):
            guard let worker = knownWorker(identity) else { return }
            worker.capacity = ready.freeSlots
            grant(to: worker)
        case .results(let batch):
            // Stored (and acknowledged) at the end of this turn, together with the others.
            received.append(ReceivedBatch(from: identity, batch: batch))
            if workers[identity] == nil { askToSayHello(identity) }
        case .heartbeat:
            guard let worker = knownWorker(identity) else { return }
            worker.lastSeen = now
        case .goodbye(let goodbye):
            dropWorker(identity, reason: "said goodbye (\(goodbye.reason))")
        case .submit, .reportRequest:
            break
        case .error(let error):
            effects.append(.log("peer \(printable(identity)) reported: \(error.code): \(error.message)"))
        case .welcome, .assign, .ack, .progress, .verdict, .report:
            send(.error(ErrorMessage(code: "bad-message", message: "a coordinator does not accept this kind")), to: identity)
        }
    }

    func welcome(_ hello: Hello, identity: [UInt8], now: UInt64) {
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
        let worker = WorkerEntry(identity: identity, hello: info, capacity: hello.slots * config.grantsPerSlot, now: now)
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

    /// The shell stored `batches` (all but those of `failedBuilds`, whose store failed): each
    /// stored batch is acknowledged, then applied. An unacknowledged batch comes again.
    func resultsStored(_ batches: [ReceivedBatch], failedBuilds: Set<String>) {
        for received in batches where !failedBuilds.contains(received.batch.build) {
            send(.ack(Ack(sequence: received.batch.sequence)), to: received.from)
            apply(received.batch)
        }
    }

    /// Updates the build and lease for stored results; finishes leases and builds that are done.
    func apply(_ batch: ResultBatch) {
        // Taken out of the table while it changes, so its dictionary is not copied.
        var lease = leases.removeValue(forKey: batch.lease)
        var retriesQueued = false
        if let build = builds[batch.build] {
            // A finished build takes no more results, but its leases still end: a worker that
            // ran a requeued copy after the first report finished the build would otherwise
            // hold that lease, and its capacity, for as long as it stays connected.
            let running = !build.finished
            for result in batch.results {
                guard let index = build.index(of: result.test) else { continue }
                if lease?.remaining[index] == result.attempt { lease?.remaining[index] = nil }
                if running && build.apply(result, index: index) { retriesQueued = true }
            }
        }
        if let lease {
            if lease.remaining.isEmpty {
                leases[lease.id] = nil
                if let worker = workers[lease.worker] {
                    worker.leases.remove(lease.id)
                    grant(to: worker)
                }
            } else {
                leases[lease.id] = lease
            }
        }
        if let build = builds[batch.build], build.isComplete, !build.finished { finish(build) }
        // A failure's retries go out now, to busy workers' retry lanes too, not at the next timer.
        if retriesQueued { grantAll(retryLanes: true) }
    }

    /// A local worker process exited: its leases are requeued now, not after the timeout.
    func workerLost(pid: Int) {
        if let worker = workers.values.first(where: { $0.pid == pid }) {
            dropWorker(worker.identity, reason: "process \(pid) exited")
        }
    }

    /// Forgets a worker and requeues the unreported tests of its leases (at the front).
    func dropWorker(_ identity: [UInt8], reason: String) {
        guard let worker = workers.removeValue(forKey: identity) else { return }
        for id in worker.leases {
            guard let lease = leases.removeValue(forKey: id) else { continue }
            builds[lease.build]?.requeue(lease.remaining)
        }
        if !worker.leases.isEmpty {
            effects.append(.log("worker \(worker.id) lost (\(reason)); \(worker.leases.count) lease(s) requeued"))
        }
        worker.leases.removeAll()
        grantAll()
    }

    /// Timers (the shell calls this every 100 ms or so): dead workers, heartbeats, progress, and
    /// a retry of grants to idle workers.
    func housekeeping(now: UInt64) {
        for worker in Array(workers.values) where now &- worker.lastSeen > UInt64(config.workerTimeoutMilliseconds) {
            dropWorker(worker.identity, reason: "silent for \(now &- worker.lastSeen) ms")
        }
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
