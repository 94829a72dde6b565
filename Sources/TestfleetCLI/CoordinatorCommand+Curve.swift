import Foundation
import Model
import Transport

/// `coordinator --curve-key FILE --authorized-keys DIR`: the key pair, the allow-list served by
/// the ZAP handler, its re-reading on SIGHUP, and the warning for a plaintext coordinator that
/// listens beyond loopback.
extension CoordinatorCommand {
    /// The coordinator's key and the allow-list, when --curve-key is given.
    func curveSecurity() throws -> CurveServerSecurity? {
        guard let curveKey, let authorizedKeys else { return nil }
        do {
            let keyPair = try CurveKeyPair.load(secretKeyFile: curveKey)
            let authenticator = try ZAPAuthenticator(authorizedKeys: authorizedKeys) { Self.log($0) }
            return CurveServerSecurity(keyPair: keyPair, authenticator: authenticator)
        } catch { throw TestfleetError.badInput(error.description) }
    }

    /// Says whether CURVE is on (and re-reads the keys on SIGHUP), or warns when anyone on the
    /// network could connect.
    func announceSecurity(_ curve: CurveServerSecurity?, endpoint: String) {
        if let curve {
            let count = curve.authenticator.authorizedKeys.count
            Self.log("CURVE on: \(count) authorized key\(count == 1 ? "" : "s") in \(curve.authenticator.directory) (SIGHUP re-reads them)")
            Signals.onHangup {
                do { Self.log("re-read \(try curve.authenticator.reload()) authorized keys from \(curve.authenticator.directory)") } catch {
                    Self.log("keeping the previous authorized keys: \(error)")
                }
            }
        } else if EndpointScope(endpoint: endpoint) == .network {
            Self.log("warning: listening on \(endpoint) without CURVE: anyone who can reach this port can register "
                + "workers, store results and submit builds. Make keys with `testfleet keygen` and start with "
                + "--curve-key FILE --authorized-keys DIR")
        }
    }

    static func log(_ line: String) {
        FileHandle.standardError.write(Data("testfleet coordinator: \(line)\n".utf8))
    }
}
