import Foundation
import Model
import Planning
import Store
import Transport
import Wire

/// The coordinator's state and event loop. Lives entirely on the coordinator thread.
final class CoordinatorLoop {
    unowned let service: CoordinatorService
    let socket: ZMQSocket
    let endpoint: String
    let session = UUID().uuidString
    let scheduler: any Scheduling = GuidedScheduling()

    var workers: [[UInt8]: WorkerEntry] = [:]
    var leases: [UInt64: Lease] = [:]
    var builds: [String: BuildState] = [:]
    /// Builds in submission order: the oldest gets work first.
    var buildOrder: [String] = []
    var nextLease: UInt64 = 1
    var running = true
    var lastHousekeeping: UInt64 = 0
    var lastHeartbeatSent: UInt64 = 0
    /// Results received in this turn of the loop, stored together before any is acknowledged.
    var inbox: [(identity: [UInt8], batch: ResultBatch)] = []
    /// With TESTFLEET_TRACE set: where the loop's time goes (milliseconds), printed per build.
    let profile = LoopProfile(enabled: ProcessInfo.processInfo.environment["TESTFLEET_TRACE"] != nil)

    var store: Store { service.store }
    var config: CoordinatorConfig { service.config }

    init(service: CoordinatorService) throws {
        self.service = service
        socket = try ZMQSocket(service.context, kind: .router)
        endpoint = try socket.bind(service.config.endpoint)
        try resumeUnfinishedBuilds()
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds / 1_000_000 }

    func run() {
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
            if poller.isReadable(wakeItem) {
                service.wake.drain()
                handleControls()
            }
            if poller.isReadable(socketItem) { profile.measure(\.receiving) { receiveAll() } }
            profile.measure(\.flushing) { flushInbox() }
            let now = Self.now()
            if now &- lastHousekeeping >= 100 {
                lastHousekeeping = now
                housekeeping(now: now)
            }
        }
        for worker in workers.values { send(.goodbye(Goodbye(reason: "coordinator shutting down")), to: worker.identity) }
    }

    /// Drains every waiting message (bounded, so housekeeping still runs under a flood).
    func receiveAll() {
        for _ in 0..<20_000 {
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
        for control in pending {
            switch control {
            case .submit(let planned): admit(planned, watcher: nil)
            case .workerLost(let pid):
                if let worker = workers.values.first(where: { $0.pid == pid }) {
                    dropWorker(worker, reason: "process \(pid) exited")
                }
            case .shutdown: running = false
            }
        }
    }

    func send(_ message: Message, to identity: [UInt8]) {
        do {
            try socket.send([identity, message.encode()])
        } catch let error where error.isHostUnreachable {
            if let worker = workers[identity] { dropWorker(worker, reason: "unreachable") }
        } catch {
            log("send failed: \(error)")
        }
    }

    func log(_ text: String) {
        FileHandle.standardError.write(Data("testfleet coordinator: \(text)\n".utf8))
    }
}
