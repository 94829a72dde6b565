import Foundation
import Model
import Transport
import Wire

/// A worker: connects a DEALER to the coordinator, says hello, runs what it is granted on its
/// slots, reports results in batches and keeps each batch until the coordinator acknowledges it
/// (so a coordinator restart loses nothing: unacknowledged batches are sent again).
///
/// `run()` blocks on the calling thread, which owns the socket. `requestStop()` (SIGTERM) stops
/// intake and returns from `run()` once the grants in flight are reported.
public final class WorkerService: Sendable {
    public let config: WorkerConfig
    let stopRequested = Locked(false)
    let slots: SlotPool
    let context = ZMQContext()

    public init(config: WorkerConfig) {
        self.config = config
        self.slots = SlotPool(config: config)
    }

    /// Stop taking work; finish and report what is in flight, then leave.
    public func requestStop() {
        stopRequested.withLock { $0 = true }
        slots.wake.signal()
    }

    /// Runs until the coordinator says goodbye (with `exitOnGoodbye`) or a stop was requested
    /// and the work in flight is reported. Returns a process exit code.
    public func run() -> Int32 {
        do {
            var session = try WorkerSession(config: config, context: context, slots: slots)
            defer { slots.close() }
            return session.loop(stopRequested: stopRequested)
        } catch {
            FileHandle.standardError.write(Data("testfleet worker: \(error)\n".utf8))
            slots.close()
            return 3
        }
    }
}

/// The socket thread's state.
struct WorkerSession {
    let config: WorkerConfig
    let socket: ZMQSocket
    let slots: SlotPool
    var heartbeat: UInt64
    var lastHeard: UInt64 = 0
    var lastHeartbeatSent: UInt64 = 0
    var lastHelloSent: UInt64 = 0
    var session: String?
    var leasesHeld: Set<UInt64> = []
    var nextSequence: UInt64 = 1
    /// Sent, not yet acknowledged: sequence → (bytes, when sent).
    var unacked: [UInt64: (bytes: [UInt8], sentAt: UInt64)] = [:]
    var draining = false
    var drainStartedAt: UInt64 = 0
    /// The process that started a local worker; if it dies (the worker is re-parented), the
    /// local run is over and nobody will stop this worker.
    let parent = getppid()
    /// Tells this process's hellos apart from a restarted worker's with the same id.
    let instance = UInt64.random(in: 1...UInt64.max)

    init(config: WorkerConfig, context: ZMQContext, slots: SlotPool) throws {
        self.config = config
        self.slots = slots
        self.heartbeat = UInt64(config.heartbeatMilliseconds)
        socket = try ZMQSocket(context, kind: .dealer)
        try socket.setIdentity(config.id)
        try socket.connect(config.endpoint)
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds / 1_000_000 }

    mutating func loop(stopRequested: Locked<Bool>) -> Int32 {
        var poller = ZMQPoller()
        let socketItem = poller.add(socket)
        let wakeItem = poller.add(fd: slots.wake.fd)
        sayHello(now: Self.now())
        while true {
            _ = try? poller.poll(milliseconds: 50)
            let now = Self.now()
            if poller.isReadable(wakeItem) { slots.wake.drain() }
            if poller.isReadable(socketItem) {
                while let frames = try? socket.receive(), let payload = frames.last {
                    if handle(payload, now: now) == .leave { return 0 }
                }
            }
            flushOutbox(now: now)
            if config.exitOnGoodbye && getppid() != parent { return 0 }
            if !draining && stopRequested.withLock({ $0 }) {
                draining = true
                drainStartedAt = now
                send(.ready(Ready(freeSlots: 0)))
            }
            // Wait for acknowledgements a little (a coordinator that is up answers within a few
            // heartbeats), but a draining worker must not hang on one that is gone.
            if draining && leasesHeld.isEmpty && (unacked.isEmpty || now &- drainStartedAt > max(3 * heartbeat, 2000)) {
                send(.goodbye(Goodbye(reason: "worker stopping")))
                return 0
            }
            timers(now: now)
        }
    }

    enum Next { case stay, leave }

    mutating func handle(_ payload: [UInt8], now: UInt64) -> Next {
        guard let message = try? Message.decode(payload) else { return .stay }
        lastHeard = now
        switch message {
        case .welcome(let welcome):
            heartbeat = UInt64(welcome.heartbeatMilliseconds)
            if session != welcome.session {
                // A new coordinator process: everything unacknowledged must be sent again.
                session = welcome.session
                for (sequence, entry) in unacked {
                    send(raw: entry.bytes)
                    unacked[sequence]?.sentAt = now
                }
            }
            if draining { send(.ready(Ready(freeSlots: 0))) }
        case .assign(let assign):
            leasesHeld.insert(assign.lease)
            slots.enqueue(assign)
        case .ack(let ack):
            unacked[ack.sequence] = nil
        case .goodbye:
            session = nil
            if config.exitOnGoodbye { return .leave }
        case .error(let error) where error.code == "unknown-worker":
            sayHello(now: now)
        case .error(let error):
            FileHandle.standardError.write(Data("testfleet worker: coordinator says \(error.code): \(error.message)\n".utf8))
        case .heartbeat, .hello, .ready, .results, .submit, .progress, .verdict, .reportRequest, .report:
            break
        }
        return .stay
    }

    /// Sends finished results, in batches per lease, and notes finished leases.
    mutating func flushOutbox(now: UInt64) {
        let items = slots.outbox.withLock { list -> [Outgoing] in
            defer { list.removeAll(keepingCapacity: true) }
            return list
        }
        guard !items.isEmpty else { return }
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
            }
        }
        if let c = current { sendBatch(c, now: now) }
        for lease in finished { leasesHeld.remove(lease) }
    }

    mutating func sendBatch(_ batch: (lease: UInt64, build: String, results: [TestResult]), now: UInt64) {
        let sequence = nextSequence
        nextSequence += 1
        let bytes = Message.results(ResultBatch(lease: batch.lease, build: batch.build, sequence: sequence,
                                                results: batch.results)).encode()
        unacked[sequence] = (bytes, now)
        send(raw: bytes)
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
            send(raw: entry.bytes)
            unacked[sequence]?.sentAt = now
        }
    }

    mutating func sayHello(now: UInt64) {
        lastHelloSent = now
        send(.hello(Hello(worker: config.id, arch: config.arch, slots: config.slots, pid: Int(getpid()), instance: instance)))
    }

    func send(_ message: Message) { send(raw: message.encode()) }

    func send(raw bytes: [UInt8]) {
        // Never blocks: while the coordinator is away a full queue drops the message, and the
        // unacknowledged-batch resend covers what mattered.
        try? socket.send([bytes])
    }
}
