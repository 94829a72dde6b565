import Foundation
import Transport

/// The worker's liveness signals beside the protocol: a health file touched while the
/// coordinator is heard from (so a probe can tell a worker that lost its coordinator), and the
/// log of handshakes the coordinator refused (wrong or missing CURVE keys).
struct WorkerHealth {
    let healthFile: String?
    let monitor: HandshakeMonitor?
    var lastTouched: UInt64 = 0
    var lastRefusal: String?
    /// Handshakes closed without a reason since the last success: the first is not reported.
    var bareClosures = 0

    init(config: WorkerConfig, socket: ZMQSocket) {
        healthFile = config.healthFile
        monitor = try? HandshakeMonitor(watching: socket)
    }

    /// The coordinator welcomed this worker and was heard from within three heartbeats.
    static func isConnected<T, R>(_ session: WorkerSession<T, R>, now: UInt64) -> Bool {
        session.session != nil && now &- session.lastHeard <= 3 * max(session.heartbeat, 1)
    }

    /// Touches the health file (at most once a second) while connected.
    mutating func update(connected: Bool, now: UInt64) {
        guard let healthFile, connected, now &- lastTouched >= 1000 else { return }
        lastTouched = now
        let stamp = Data("\(Int(Date().timeIntervalSince1970))\n".utf8)
        if !FileManager.default.createFile(atPath: healthFile, contents: stamp) {
            FileHandle.standardError.write(Data("testfleet worker: cannot write the health file \(healthFile)\n".utf8))
        }
    }

    /// Logs handshake refusals, once per distinct reason until a handshake succeeds again.
    mutating func readHandshakes() {
        guard let monitor else { return }
        while let event = monitor.next() {
            if event.succeeded {
                lastRefusal = nil
                bareClosures = 0
                continue
            }
            // A coordinator that exits while this worker connects (the end of a local run)
            // closes one handshake; a security mismatch closes every reconnect, so the second
            // in a row is reported.
            if event.isBareClosure {
                bareClosures += 1
                if bareClosures < 2 { continue }
            }
            let text = event.description
            guard text != lastRefusal else { continue }
            lastRefusal = text
            FileHandle.standardError.write(Data("testfleet worker: the coordinator refused this worker: \(text)\n".utf8))
        }
    }
}
