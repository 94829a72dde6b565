import Foundation
import Model
import Wire

/// A worker's side of the protocol: hello and welcome, heartbeats both ways, the leases it holds,
/// results sent in batches per lease and kept until acknowledged (sent again after a silence or
/// to a new coordinator), and draining on stop.
///
/// It owns no socket, no thread and no clock: frames go through `transport`, grants to `runner`,
/// and the caller passes the time in milliseconds. `WorkerService` drives it with the DEALER
/// socket and the slot threads; tests drive it in memory.
struct WorkerSession<Transport: WorkerTransport, Runner: GrantRunner> {
    /// What the caller does after a call: go on, or return from the worker's loop.
    enum Next { case stay, leave, refused }

    let config: WorkerConfig
    let transport: Transport
    let runner: Runner
    /// This process's id, in each hello (a local run's coordinator watches it).
    let pid: Int
    /// Tells this process's hellos apart from a restarted worker's with the same id.
    let instance: UInt64
    var heartbeat: UInt64
    var lastHeard: UInt64 = 0
    var lastHeartbeatSent: UInt64 = 0
    var lastHelloSent: UInt64 = 0
    /// The coordinator process that welcomed this worker (nil before a welcome, after a goodbye).
    var session: String?
    var leasesHeld: Set<UInt64> = []
    var nextSequence: UInt64 = 1
    /// Batches sent and not yet acknowledged: their bytes, when last sent, their lease, and
    /// whether the coordinator revoked that lease since (its refusal is then expected).
    var unacked: [UInt64: (bytes: [UInt8], sentAt: UInt64, lease: UInt64, revoked: Bool)] = [:]
    /// Batches that said a slot holds a test back (`ResultBatch.holding`): sequence → lease.
    var holdingSent: [UInt64: UInt64] = [:]
    var draining = false
    var drainStartedAt: UInt64 = 0

    init(config: WorkerConfig, transport: Transport, runner: Runner, pid: Int = Int(getpid()),
         instance: UInt64 = .random(in: 1...UInt64.max)) {
        self.config = config
        self.transport = transport
        self.runner = runner
        self.pid = pid
        self.instance = instance
        self.heartbeat = UInt64(config.heartbeatMilliseconds)
    }

    /// The first hello.
    mutating func start(now: UInt64) { sayHello(now: now) }

    /// Handles every frame waiting on the transport.
    mutating func receiveAll(now: UInt64) -> Next {
        while let payload = transport.receive() {
            let next = handle(payload, now: now)
            if next != .stay { return next }
        }
        return .stay
    }

    mutating func handle(_ payload: [UInt8], now: UInt64) -> Next {
        let message: Message
        do {
            guard let decoded = try Message.decode(payload) else { return .stay }
            message = decoded
        } catch {
            // A grant this worker cannot read: say so, so its tests go to another worker at once
            // instead of waiting for the lease's deadline.
            if let lease = Assign.leaseID(inUndecodable: payload) {
                log("cannot decode grant \(lease): \(error); refused it")
                send(.refusal(Refusal(lease: lease, reason: "the worker cannot decode this grant: \(error)")))
            } else {
                log("dropped an undecodable message: \(error)")
            }
            return .stay
        }
        lastHeard = now
        switch message {
        case .welcome(let welcome) where !Message.compatibleVersions.contains(welcome.version):
            log("coordinator speaks protocol version \(welcome.version), this worker \(Message.protocolVersion): incompatible")
            return .refused
        case .welcome(let welcome):
            heartbeat = UInt64(welcome.heartbeatMilliseconds)
            if session != welcome.session {
                // A new coordinator process: everything unacknowledged must be sent again.
                session = welcome.session
                for (sequence, entry) in unacked {
                    transport.send(entry.bytes)
                    unacked[sequence]?.sentAt = now
                }
            }
            if draining { send(.ready(Ready(freeSlots: 0))) }
        case .assign(let assign):
            leasesHeld.insert(assign.lease)
            runner.enqueue(assign)
        case .ack(let ack):
            if let refused = ack.refused, let entry = unacked[ack.sequence], !entry.revoked {
                log("coordinator refused result batch \(ack.sequence): \(refused)")
            }
            unacked[ack.sequence] = nil
            // Whatever the coordinator granted in answer came before this: the slot may go on.
            if let lease = holdingSent.removeValue(forKey: ack.sequence) { runner.holdingAnswered(lease: lease) }
        case .revoke(let revoke):
            // The build was cancelled or the lease outlived its deadline: it is not ours anymore.
            leasesHeld.remove(revoke.lease)
            runner.cancel(lease: revoke.lease)
            for (sequence, entry) in unacked where entry.lease == revoke.lease { unacked[sequence]?.revoked = true }
        case .reclaim(let reclaim):
            // Answered through the runner even for a lease this worker no longer holds (it
            // finished meanwhile): the coordinator waits for every reclaim's answer.
            runner.reclaim(reclaim)
        case .goodbye:
            session = nil
            if config.exitOnGoodbye { return .leave }
        case .error(let error) where error.code == "unknown-worker":
            sayHello(now: now)
        case .error(let error) where error.code == "incompatible-version":
            log("coordinator refused this worker: \(error.message)")
            return .refused
        case .error(let error):
            FileHandle.standardError.write(Data("testfleet worker: coordinator says \(error.code): \(error.message)\n".utf8))
        case .heartbeat, .hello, .ready, .results, .submit, .progress, .verdict, .reportRequest, .report, .refusal, .cancel,
             .previousBuildRequest, .previousBuild:
            break
        }
        return .stay
    }

    /// Sends the runner's finished results, in batches per lease, and notes finished leases.
    /// Returns whether there was anything to send.
    @discardableResult
    mutating func reportFinished(now: UInt64) -> Bool {
        let items = runner.takeFinished()
        guard !items.isEmpty else { return false }
        var current: (lease: UInt64, build: String, results: [TestResult])?
        var finished: [UInt64] = []
        for item in items {
            switch item {
            case .result(let lease, let build, let result):
                if let c = current, c.lease != lease || c.results.count >= 4096 {
                    sendBatch(c, now: now)
                    current = nil
                }
                if current == nil { current = (lease, build, []) }
                current!.results.append(result)
            case .leaseDone(let lease):
                finished.append(lease)
            case .handedBack(let lease, let build, let reclaim, let tests):
                // After the lease's results so far: the coordinator reads them in order.
                if let c = current { sendBatch(c, now: now) }
                current = nil
                sendBatch((lease, build, []), now: now, answering: (reclaim, tests))
            case .holding(let lease, let build, let test):
                if let c = current { sendBatch(c, now: now) }
                current = nil
                let sequence = sendBatch((lease, build, []), now: now, holding: [test])
                holdingSent[sequence] = lease
            case .fault(let lease, let build, let message):
                if let c = current { sendBatch(c, now: now) }
                current = nil
                FileHandle.standardError.write(Data("testfleet worker: cannot run lease \(lease) of build \(build): \(message)\n".utf8))
                sendBatch((lease, build, []), now: now, fault: WorkspaceFault(worker: config.id, message: message))
            }
        }
        if let c = current { sendBatch(c, now: now) }
        for lease in finished { leasesHeld.remove(lease) }
        return true
    }

    /// Sends one batch and keeps it until acknowledged; its sequence number.
    @discardableResult
    mutating func sendBatch(_ batch: (lease: UInt64, build: String, results: [TestResult]), now: UInt64,
                            fault: WorkspaceFault? = nil, answering reclaim: (id: UInt64, tests: [String])? = nil,
                            holding: [String] = []) -> UInt64 {
        let sequence = nextSequence
        nextSequence += 1
        let bytes = Message.results(ResultBatch(lease: batch.lease, build: batch.build, sequence: sequence,
                                                results: batch.results, fault: fault, answersReclaim: reclaim?.id,
                                                handedBack: reclaim?.tests ?? [], holding: holding)).encode()
        // A lease no longer held when its results go out was revoked (a finished one is let go
        // only after its last batch).
        unacked[sequence] = (bytes, now, batch.lease, !leasesHeld.contains(batch.lease))
        transport.send(bytes)
        return sequence
    }

    /// The end of a turn: starts draining once a stop is requested, says goodbye when drained
    /// (`.leave`), else runs the timers.
    mutating func endTurn(now: UInt64, stopRequested: Bool) -> Next {
        if !draining && stopRequested {
            draining = true
            drainStartedAt = now
            send(.ready(Ready(freeSlots: 0)))
        }
        // Wait for acknowledgements a little (a coordinator that is up answers within a few
        // heartbeats), but a draining worker must not hang on one that is gone.
        if draining && leasesHeld.isEmpty && (unacked.isEmpty || now &- drainStartedAt > max(3 * heartbeat, 2000)) {
            send(.goodbye(Goodbye(reason: "worker stopping")))
            return .leave
        }
        timers(now: now)
        return .stay
    }

    mutating func timers(now: UInt64) {
        if now &- lastHeartbeatSent >= heartbeat {
            lastHeartbeatSent = now
            send(.heartbeat(Heartbeat(leases: Array(leasesHeld))))
        }
        // A silent coordinator may have restarted: say hello until one answers.
        if now &- lastHeard > 3 * heartbeat && now &- lastHelloSent >= heartbeat {
            sayHello(now: now)
        }
        for (sequence, entry) in unacked where session != nil && now &- entry.sentAt > 3 * heartbeat {
            transport.send(entry.bytes)
            unacked[sequence]?.sentAt = now
        }
    }

    mutating func sayHello(now: UInt64) {
        lastHelloSent = now
        send(.hello(Hello(worker: config.id, arch: config.arch, slots: config.slots, pid: pid, instance: instance)))
    }

    func send(_ message: Message) { transport.send(message.encode()) }

    func log(_ text: String) { FileHandle.standardError.write(Data("testfleet worker: \(text)\n".utf8)) }
}
