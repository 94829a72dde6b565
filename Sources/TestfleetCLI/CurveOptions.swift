import ArgumentParser
import Foundation
import Model
import Transport

/// `--curve-key FILE --coordinator-key FILE` for the coordinator's clients (`worker`, `submit`,
/// `cancel`); `$TESTFLEET_CURVE_KEY` and `$TESTFLEET_COORDINATOR_KEY` name the files when the
/// flags are absent. Flags and variables hold paths only: a secret never shows in `ps`.
struct ClientCurveOptions: ParsableArguments {
    @Option(name: .customLong("curve-key"), help: "This client's CURVE secret key file (NAME.key from `testfleet keygen`; default: $TESTFLEET_CURVE_KEY).")
    var curveKey: String?

    @Option(name: .customLong("coordinator-key"), help: "The coordinator's CURVE public key file (its NAME.pub; default: $TESTFLEET_COORDINATOR_KEY).")
    var coordinatorKey: String?

    /// The keys to connect with, or nil for plaintext. One file without the other is bad input.
    func keys() throws -> CurveClientKeys? {
        let environment = ProcessInfo.processInfo.environment
        let secretFile = curveKey ?? environment["TESTFLEET_CURVE_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        let serverFile = coordinatorKey ?? environment["TESTFLEET_COORDINATOR_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        switch (secretFile, serverFile) {
        case (nil, nil): return nil
        case (let secretFile?, let serverFile?):
            do {
                return CurveClientKeys(keyPair: try CurveKeyPair.load(secretKeyFile: secretFile),
                                       serverPublicKey: try CurveKeyPair.loadPublicKey(serverFile))
            } catch { throw TestfleetError.badInput(error.description) }
        case (nil, _):
            throw TestfleetError.badInput("a coordinator key without this client's own: pass --curve-key FILE (or set $TESTFLEET_CURVE_KEY) too")
        case (_, nil):
            throw TestfleetError.badInput("a CURVE key without the coordinator's public key: pass --coordinator-key FILE (or set $TESTFLEET_COORDINATOR_KEY) too")
        }
    }
}

/// A client's DEALER to the coordinator, with CURVE when keys are given, and a watch on its
/// handshakes so a refused client says so at once instead of waiting for its timeout.
struct CoordinatorConnection {
    let socket: ZMQSocket
    let monitor: HandshakeMonitor?
    let endpoint: String

    init(endpoint: String, keys: CurveClientKeys?) throws {
        self.endpoint = endpoint
        do {
            socket = try ZMQSocket(ZMQContext(), kind: .dealer)
            if let keys { try socket.makeCurveClient(keys) }
            monitor = try HandshakeMonitor(watching: socket)
            try socket.connect(endpoint)
        } catch { throw TestfleetError.infrastructure("cannot connect to \(endpoint): \(error)") }
    }

    /// Throws (exit 2) when the coordinator refused this client's handshake: missing keys, a key
    /// not in its allow-list, or the wrong coordinator key. The refusal will not pass by waiting.
    func checkHandshake() throws {
        while let event = monitor?.next() {
            guard !event.succeeded else { continue }
            throw TestfleetError.badInput("""
                the coordinator at \(endpoint) refused this client: \(event.description). \
                Pass --curve-key FILE and --coordinator-key FILE (or $TESTFLEET_CURVE_KEY and \
                $TESTFLEET_COORDINATOR_KEY) with a key whose .pub is in the coordinator's --authorized-keys
                """)
        }
    }
}
