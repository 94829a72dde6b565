import Foundation
import Model
import Store
import Transport
import Wire

/// The coordinator's shell: the ROUTER socket, the store, the clock and the service's callbacks
/// around a `CoordinatorCore` that makes every decision. Lives entirely on the coordinator thread.
///
/// Each turn it receives and hands messages to the core, stores the turn's results (before the
/// core acknowledges them), runs the core's timers, and carries out what the core decided.
final class CoordinatorLoop {
    unowned let service: CoordinatorService
    let socket: ZMQSocket
    let endpoint: String
    let core: CoordinatorCore
    var running = true
    var lastHousekeeping: UInt64 = 0
    /// The core's effects being carried out; swapped with the core's list so both buffers are
    /// reused turn after turn.
    var carrying: [CoordinatorEffect] = []
    /// With TESTFLEET_TRACE set: where the loop's time goes (milliseconds), printed per build.
    let profile = LoopProfile(enabled: ProcessInfo.processInfo.environment["TESTFLEET_TRACE"] != nil)
    /// Where finished builds are freed (see `free`).
    let freeing = DispatchQueue(label: "testfleet-coordinator-freeing")
    /// Where big submits are decoded, off the loop, in the order they came; each is posted back.
    let decoding = DispatchQueue(label: "testfleet-coordinator-decoding")
    /// Where verdicts (gate, stored verdict, timing fold) and reports run, off the loop, one at
    /// a time (two timing folds must not interleave); they post their result back.
    let work = DispatchQueue(label: "testfleet-coordinator-work")
    /// Where result batches are stored, off the loop, in the order they arrived (and build
    /// endings, so one is stored after its results); each posts back `.stored`.
    let storing = DispatchQueue(label: "testfleet-coordinator-store")
    /// Result batches waiting for the store queue's next write (group commit, `flushInbox`).
    let storeInbox = Locked(StoreInbox())
    /// Submitted builds being admitted off the loop, with the clients waiting for each.
    var admitting: [String: Set<[UInt8]>] = [:]
    /// The source bundle each bundled build being admitted names: kept until it starts, since
    /// the bytes arrived with its submit and a build finishing meanwhile must not drop them.
    var admittingBundles: [String: String] = [:]
    /// Watchers of builds whose verdict is being computed off the loop: the core has already
    /// let go of a finished build, and whoever waits must still hear its verdict.
    var finishingWatchers: [String: Set<[UInt8]>] = [:]
    /// Builds ended (cancelled, aborted) whose ending the store queue has not written yet.
    var endingOutcomes: [String: BuildOutcome] = [:]
    /// Source bundles of running builds (address → bytes), and which worker got which.
    var bundles: [String: [UInt8]] = [:]
    var bundlesSent: [[UInt8]: Set<String>] = [:]
    /// Figures for metrics (see `publishMetrics`).
    var counters = LoopCounters()

    var store: Store { service.store }
    var config: CoordinatorConfig { service.config }
    var builds: [String: BuildState] { core.builds }

    init(service: CoordinatorService) throws {
        self.service = service
        core = CoordinatorCore(config: service.config, session: UUID().uuidString,
                               firstLease: .random(in: 1...(UInt64.max >> 1)), profile: profile)
        socket = try ZMQSocket(service.context, kind: .router)
        if let curve = service.config.curve {
            // The ZAP handler is bound before the socket, so no handshake ever goes unchecked.
            try socket.makeCurveServer(secretKey: curve.keyPair.secretKey)
            try curve.authenticator.start(context: service.context, monitor: HandshakeMonitor.start(on: socket))
        }
        do {
            endpoint = try socket.bind(service.config.endpoint)
            try resumeUnfinishedBuilds()
        } catch {
            service.config.curve?.authenticator.stop()
            throw error
        }
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds / 1_000_000 }

    func run() {
        publishMetrics(now: Self.now())
        var poller = ZMQPoller()
        let socketItem = poller.add(socket)
        let wakeItem = poller.add(fd: service.wake.fd)
        while running {
            do {
                try poller.poll(milliseconds: 50)
            } catch {
                log("poll failed: \(error)")
                continue
            }
            let turnStart = Self.now()
            if poller.isReadable(wakeItem) {
                service.wake.drain()
                handleControls()
            }
            let controlsDone = Self.now()
            if poller.isReadable(socketItem) { profile.measure(\.receiving) { receiveAll() } }
            let received = Self.now()
            profile.measure(\.flushing) { flushInbox() }
            let now = Self.now()
            if now &- lastHousekeeping >= 100 {
                lastHousekeeping = now
                core.housekeeping(now: now)
                carryOut()
                publishMetrics(now: now)
            }
            // A turn this long delays every grant behind it: say where it went (TESTFLEET_TRACE).
            if profile.enabled, Self.now() &- turnStart >= 50 {
                log("slow loop turn: \(Self.now() &- turnStart) ms (controls \(controlsDone &- turnStart), receive "
                    + "\(received &- controlsDone), flush \(now &- received), housekeeping \(Self.now() &- now))")
            }
        }
        core.sayGoodbye()
        carryOut()
        service.config.curve?.authenticator.stop()
    }

    /// Drains waiting messages for up to `receiveBudgetMilliseconds` (at least one), so under a
    /// flood of results the turn still reaches its controls (a build admitted, results stored)
    /// and housekeeping; what is left waits in the socket for the next turn.
    func receiveAll() {
        let start = Self.now()
        for _ in 0..<20_000 {
            if Self.now() &- start >= Self.receiveBudgetMilliseconds { return }
            let frames: [[UInt8]]?
            do { frames = try socket.receive() } catch {
                log("receive failed: \(error)")
                return
            }
            guard let frames else { return }
            guard frames.count == 2 else {
                log("dropped a message of \(frames.count) frames (expected identity + payload)")
                continue
            }
            handle(frames[1], from: frames[0])
        }
    }

    func handleControls() {
        let pending = service.controls.withLock { list -> [CoordinatorService.Control] in
            defer { list.removeAll() }
            return list
        }
        let turnStart = Self.now()
        for (position, control) in pending.enumerated() {
            // A backlog (results stored faster than applied on a starved machine) is worked off
            // over several turns: heartbeats and grants in between, or workers time out.
            if Self.now() &- turnStart >= Self.controlBudgetMilliseconds { return putBack(pending[position...]) }
            let started = profile.enabled ? Self.now() : 0
            defer {
                if profile.enabled, Self.now() &- started >= 20 { log("slow control: \(Self.now() &- started) ms: \(control.name)") }
            }
            switch control {
            case .submit(let planned): admit(planned, watcher: nil)
            case .admit(let prepared): admitted(prepared)
            case .submitted(let submit, let client): admitSubmitted(submit, client: client)
            case .refuse(let build, let error): reject(build, error, watcher: nil)
            case .answered(let outcome): answered(outcome)
            case .finished(let outcome): finished(outcome)
            case .reply(let message, let client): send(message, to: client)
            case .stored(let batches, let failedBuilds, let milliseconds):
                // A big backlog (100,000 results of a turn the machine starved) is applied a
                // slice a turn, the rest after this turn's messages, in order.
                let slice = Self.sliceEnd(of: batches)
                stored(Array(batches[..<slice]), failedBuilds: failedBuilds, milliseconds: milliseconds)
                if slice < batches.count {
                    let rest = CoordinatorService.Control.stored(Array(batches[slice...]), failedBuilds: failedBuilds, milliseconds: 0)
                    return putBack([rest] + pending[(position + 1)...])
                }
            case .endStored(let build): endingOutcomes[build] = nil
            case .blocking(let build, let test, let blocks):
                core.blockingAnswered(build: build, test: test, blocks: blocks)
                carryOut()
            case .workerLost(let pid):
                core.workerLost(pid: pid)
                carryOut()
            case .shutdown: running = false
            }
        }
    }

    /// Milliseconds of controls one turn works off before it receives again.
    static let controlBudgetMilliseconds: UInt64 = 20
    /// Milliseconds one turn receives messages for at most.
    static let receiveBudgetMilliseconds: UInt64 = 20
    /// Stored results one turn applies at most (≈ 1 µs each on an idle machine).
    static let resultsPerTurn = 4096

    /// Controls left for the next turn, ahead of any posted meanwhile.
    func putBack<Rest: Collection<CoordinatorService.Control>>(_ rest: Rest) {
        guard !rest.isEmpty else { return }
        service.controls.withLock { $0.insert(contentsOf: rest, at: 0) }
        service.wake.signal()
    }

    /// How many of `batches` one turn applies: whole batches up to `resultsPerTurn` results (one
    /// at least).
    static func sliceEnd(of batches: [ReceivedBatch]) -> Int {
        var end = 0, results = 0
        while end < batches.count && (end == 0 || results + batches[end].batch.results.count <= resultsPerTurn) {
            results += batches[end].batch.results.count
            end += 1
        }
        return end
    }

    /// Carries out, in order, everything the core decided since the last call. Called after
    /// every call into the core, so nothing it decided waits behind the next message.
    func carryOut() {
        var retired: [BuildState] = []
        while !core.effects.isEmpty {
            swap(&core.effects, &carrying)
            for effect in carrying {
                switch effect {
                case .send(let message, let identity): send(withBundle(message, to: identity), to: identity)
                case .finish(let build, let progress):
                    finish(build, progress: progress)
                    retired.append(build)
                case .end(let build, let how, let reason, let progress):
                    end(build, how: how, reason: reason, progress: progress)
                    retired.append(build)
                case .progress(let progress): service.progressHandler?(progress)
                case .askWhetherBlocking(let build, let test): askWhetherBlocking(build: build, test: test)
                case .log(let text): log(text)
                }
            }
            carrying.removeAll(keepingCapacity: true)
        }
        if !retired.isEmpty { free(HandOff(value: retired)) }
    }

    /// Frees builds that left the core off the loop: a million-test build's statuses, queue and
    /// name index take tens of milliseconds to free. The loop has let go of them by the time
    /// this runs (the delay makes sure its last reference, `retired`, is gone).
    func free(_ builds: HandOff<[BuildState]>) {
        freeing.asyncAfter(deadline: .now() + .milliseconds(100)) { withExtendedLifetime(builds) {} }
    }

    /// Sends at once. A peer gone from the network is dropped (its leases requeued); the core's
    /// decisions about that are carried out by the `carryOut()` already running.
    func send(_ message: Message, to identity: [UInt8]) {
        do {
            try socket.send([identity, message.encode()])
        } catch let error where error.isHostUnreachable {
            core.dropWorker(identity, reason: "unreachable")
        } catch {
            log("send failed: \(error)")
        }
    }

    func log(_ text: String) { Self.log(text) }

    /// A line on the coordinator's log; any thread may write one.
    static func log(_ text: String) {
        FileHandle.standardError.write(Data("testfleet coordinator: \(text)\n".utf8))
    }
}
