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
            let transport = try DealerTransport(context: context, config: config)
            defer { slots.close() }
            return loop(WorkerSession(config: config, transport: transport, runner: slots))
        } catch {
            FileHandle.standardError.write(Data("testfleet worker: \(error)\n".utf8))
            slots.close()
            return 3
        }
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds / 1_000_000 }

    /// How long (ms) results may wait after a batch went out, to go out with the ones that follow.
    static let resultWindow: UInt64 = 10

    /// The socket thread: waits for a frame or a slot's wake-up, then lets the session handle
    /// what came, report what finished and run its timers.
    func loop(_ session: WorkerSession<DealerTransport, SlotPool>) -> Int32 {
        var session = session
        var poller = ZMQPoller()
        let socketItem = poller.add(session.transport.socket)
        let wakeItem = poller.add(fd: slots.wake.fd)
        var health = WorkerHealth(config: config, socket: session.transport.socket)
        let monitorItem = health.monitor.map { poller.add($0.pollable) }
        // The process that started a local worker; if it dies (the worker is re-parented), the
        // local run is over and nobody will stop this worker.
        let parent = getppid()
        session.start(now: Self.now())
        var lastReport: UInt64 = 0
        var holding = false
        while true {
            let due = lastReport + Self.resultWindow, before = Self.now()
            _ = try? poller.poll(milliseconds: holding ? Int(due - min(due, before)) : 50)
            let now = Self.now()
            if poller.isReadable(wakeItem) { slots.wake.drain() }
            if poller.isReadable(socketItem) {
                switch session.receiveAll(now: now) {
                case .leave: return 0
                case .refused: return 3  // an incompatible coordinator: nothing will change by waiting
                case .stay: break
                }
            }
            if let monitorItem, poller.isReadable(monitorItem) { health.readHandshakes() }
            health.update(connected: WorkerHealth.isConnected(session, now: now), now: now)
            // Results of quick tests wait up to `resultWindow` to go out together: one frame and
            // one wake-up of the coordinator per batch, not per test. Anything else (a lease
            // done, a hand-back, a fault) and a stop send everything at once.
            let stopping = stopRequested.withLock { $0 }
            holding = now < lastReport + Self.resultWindow && !stopping && slots.finishedAreResultsOnly
            if !holding && session.reportFinished(now: now) { lastReport = now }
            if config.exitOnGoodbye && getppid() != parent { return 0 }
            if session.endTurn(now: now, stopRequested: stopping) == .leave { return 0 }
        }
    }
}
