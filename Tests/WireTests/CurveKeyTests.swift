import Foundation
import Testing
@testable import Transport

/// Key files and the ZAP handler's answers, on real libzmq/libsodium keys (no sockets).
@Suite struct CurveKeyTests {
    @Test func aSecretKeyFileGivesBackItsPairAndTheAllowListDecides() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-keys-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pair = try CurveKeyPair.generate()
        let paths = try pair.write(name: "w", directory: directory + "/keys")
        #expect(try CurveKeyPair.load(secretKeyFile: paths.secret) == pair)
        #expect(try CurveKeyPair.loadPublicKey(paths.public) == pair.publicKey)

        try FileManager.default.createDirectory(atPath: directory + "/ok", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: paths.public, toPath: directory + "/ok/w.pub")
        let logged = LockedLines()
        let zap = try ZAPAuthenticator(authorizedKeys: directory + "/ok") { logged.append($0) }
        let raw = try #require(CurveKeyPair.raw(pair.publicKey))
        func request(_ key: [UInt8]) -> [[UInt8]] {
            [Array("1.0".utf8), [7], Array("testfleet".utf8), Array("10.0.0.9".utf8), [], Array("CURVE".utf8), key]
        }
        #expect(zap.answer(request(raw))[2] == Array("200".utf8))
        let other = try CurveKeyPair.generate()
        let otherRaw = try #require(CurveKeyPair.raw(other.publicKey))
        #expect(zap.answer(request(otherRaw))[2] == Array("400".utf8))
        #expect(logged.lines.contains { $0.contains(other.publicKey) && $0.contains("10.0.0.9") })
        // A malformed .pub is an error naming the file; the previous list stays in force.
        try "not a key\n".write(toFile: directory + "/ok/bad.pub", atomically: true, encoding: .utf8)
        #expect(throws: CurveKeyError.self) { try zap.reload() }
        #expect(zap.authorizedKeys[pair.publicKey] == "w.pub")
    }

    @Test func loopbackAndIPCEndpointsAreLocal() {
        #expect(EndpointScope(endpoint: "tcp://127.0.0.1:*") == .local)
        #expect(EndpointScope(endpoint: "tcp://[::1]:5555") == .local)
        #expect(EndpointScope(endpoint: "ipc:///run/t.sock") == .local)
        #expect(EndpointScope(endpoint: "tcp://0.0.0.0:5555") == .network)
        #expect(EndpointScope(endpoint: "tcp://*:5555") == .network)
        #expect(EndpointScope(endpoint: "tcp://coordinator.internal:5555") == .network)
    }
}

final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ line: String) { lock.lock(); stored.append(line); lock.unlock() }
    var lines: [String] { lock.lock(); defer { lock.unlock() }; return stored }
}
