import CZMQ
import Foundation

/// A CURVE key pair in Z85 text (40 characters per key), as libzmq takes it. The secret key
/// lives only in a file of mode 600 (`testfleet keygen`) and in memory, never in a flag.
public struct CurveKeyPair: Sendable, Equatable {
    /// Z85 text of the 32-byte public key: safe to share (`NAME.pub`).
    public var publicKey: String
    /// Z85 text of the 32-byte secret key (`NAME.key`).
    public var secretKey: String

    /// A fresh key pair from libsodium (through libzmq).
    public static func generate() throws(CurveKeyError) -> CurveKeyPair {
        var publicKey = [CChar](repeating: 0, count: 41), secretKey = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&publicKey, &secretKey) == 0 else {
            throw CurveKeyError("this libzmq cannot make CURVE keys (built without libsodium?): \(String(cString: zmq_strerror(zmq_errno())))")
        }
        return CurveKeyPair(publicKey: text(publicKey), secretKey: text(secretKey))
    }

    /// The pair whose secret key `secretKey` (Z85) is; the public key is derived from it.
    public init(secretKey: String) throws(CurveKeyError) {
        guard CurveKeyPair.isZ85Key(secretKey) else { throw CurveKeyError("not a Z85 CURVE key (40 characters)") }
        var publicKey = [CChar](repeating: 0, count: 41)
        guard zmq_curve_public(&publicKey, secretKey) == 0 else { throw CurveKeyError("cannot derive the public key") }
        self.publicKey = CurveKeyPair.text(publicKey)
        self.secretKey = secretKey
    }

    init(publicKey: String, secretKey: String) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// Reads a secret key file (`NAME.key`). Refuses a file any user may read, as ssh does.
    public static func load(secretKeyFile path: String) throws(CurveKeyError) -> CurveKeyPair {
        var info = stat()
        guard stat(path, &info) == 0 else { throw CurveKeyError("cannot read the CURVE secret key file \(path): \(String(cString: strerror(errno)))") }
        // Group read is allowed: Kubernetes mounts a Secret as 0440 when the pod sets fsGroup.
        if info.st_mode & 0o007 != 0 {
            throw CurveKeyError("the CURVE secret key file \(path) may be read by other users (mode \(String(info.st_mode & 0o777, radix: 8))); chmod 600 it")
        }
        let key = try keyText(path, what: "secret key")
        do { return try CurveKeyPair(secretKey: key) } catch {
            throw CurveKeyError("\(path): \(error.description)")
        }
    }

    /// Reads a public key file (`NAME.pub`): its Z85 text.
    public static func loadPublicKey(_ path: String) throws(CurveKeyError) -> String {
        try keyText(path, what: "public key")
    }

    /// The first line of a key file that is not blank or a `#` comment, checked to be a Z85 key.
    static func keyText(_ path: String, what: String) throws(CurveKeyError) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CurveKeyError("cannot read the CURVE \(what) file \(path)")
        }
        let line = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .first { !$0.isEmpty && !$0.hasPrefix("#") }
        guard let line, isZ85Key(line) else {
            throw CurveKeyError("\(path) holds no CURVE \(what) (a line of 40 Z85 characters, as `testfleet keygen` writes)")
        }
        return line
    }

    static func text(_ chars: [CChar]) -> String {
        String(decoding: chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// 40 characters of the Z85 alphabet: 32 bytes.
    public static func isZ85Key(_ text: String) -> Bool {
        guard text.utf8.count == 40 else { return false }
        var bytes = [UInt8](repeating: 0, count: 32)
        return zmq_z85_decode(&bytes, text) != nil
    }

    /// The 32 raw bytes of a Z85 key.
    public static func raw(_ z85: String) -> [UInt8]? {
        guard isZ85Key(z85) else { return nil }
        var bytes = [UInt8](repeating: 0, count: 32)
        return zmq_z85_decode(&bytes, z85) == nil ? nil : bytes
    }

    /// Z85 text of 32 raw key bytes (what a ZAP request carries).
    public static func z85(_ raw: [UInt8]) -> String? {
        guard raw.count == 32 else { return nil }
        var text = [CChar](repeating: 0, count: 41)
        guard zmq_z85_encode(&text, raw, raw.count) != nil else { return nil }
        return CurveKeyPair.text(text)
    }
}

/// A key file that is missing, unreadable, too open or malformed; the message names the file.
public struct CurveKeyError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
