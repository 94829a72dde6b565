import CZMQ

/// The keys a client (worker, `submit`, `cancel`) talks CURVE with: its own pair and the
/// coordinator's public key.
public struct CurveClientKeys: Sendable {
    public var keyPair: CurveKeyPair
    public var serverPublicKey: String

    public init(keyPair: CurveKeyPair, serverPublicKey: String) {
        self.keyPair = keyPair
        self.serverPublicKey = serverPublicKey
    }
}

extension ZMQSocket {
    /// The ZAP domain the coordinator's socket names in each authentication request.
    public static let zapDomain = "testfleet"

    /// Makes this socket a CURVE server: every connection is encrypted and each client's key is
    /// checked by the ZAP handler of the same context (`ZAPAuthenticator`). Call before `bind`.
    public func makeCurveServer(secretKey: String) throws(ZMQError) {
        try setInt(ZMQ_CURVE_SERVER, 1)
        try setBytes(ZMQ_CURVE_SECRETKEY, Array(secretKey.utf8))
        try setBytes(ZMQ_ZAP_DOMAIN, Array(Self.zapDomain.utf8))
    }

    /// Makes this socket a CURVE client of the server with the given public key. Call before
    /// `connect`.
    public func makeCurveClient(_ keys: CurveClientKeys) throws(ZMQError) {
        try setBytes(ZMQ_CURVE_SERVERKEY, Array(keys.serverPublicKey.utf8))
        try setBytes(ZMQ_CURVE_PUBLICKEY, Array(keys.keyPair.publicKey.utf8))
        try setBytes(ZMQ_CURVE_SECRETKEY, Array(keys.keyPair.secretKey.utf8))
    }
}

/// What a coordinator needs to serve CURVE: its own key pair and the ZAP handler holding the
/// allow-list of client keys.
public struct CurveServerSecurity: Sendable {
    public var keyPair: CurveKeyPair
    public var authenticator: ZAPAuthenticator

    public init(keyPair: CurveKeyPair, authenticator: ZAPAuthenticator) {
        self.keyPair = keyPair
        self.authenticator = authenticator
    }
}
