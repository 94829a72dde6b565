import Foundation
public import Model
import Wire

/// A commit's source tree as one blob: `git archive`'s tar of the commit, LZ4-compressed behind
/// an 8-byte length, addressed by the SHA-256 of those bytes. `submit --bundle` makes one in the
/// CI checkout; a worker that cannot reach the repository unpacks it into its cache.
public struct SourceBundle: Sendable {
    /// `sha256-<hex>` of `bytes`.
    public var address: String
    public var bytes: [UInt8]

    /// Wraps bytes that came over the wire, checking them against the address they claim.
    public init(address: String, bytes: [UInt8]) throws(TestfleetError) {
        let actual = Self.address(of: bytes)
        guard actual == address else {
            throw .infrastructure("source bundle \(address) arrived as \(actual): corrupt or truncated in transit")
        }
        self.address = address
        self.bytes = bytes
    }

    public static func address(of bytes: [UInt8]) -> String { "sha256-" + SHA256.hex(bytes) }

    /// Archives `commit` of the git checkout at `directory` (bad input when git cannot).
    public static func make(commit: String, in directory: String) throws(TestfleetError) -> SourceBundle {
        let archive = GitCommand.run(["archive", "--format=tar", commit], in: directory)
        guard archive.status == 0 else {
            throw .badInput("cannot bundle commit \(commit) of \(directory): git archive failed: \(archive.errorText)")
        }
        let tar = [UInt8](archive.output)
        var bytes: [UInt8] = []
        var size = UInt64(tar.count)
        for _ in 0..<8 {
            bytes.append(UInt8(truncatingIfNeeded: size))
            size >>= 8
        }
        bytes += OutputCodec.compress(tar)
        return try SourceBundle(address: address(of: bytes), bytes: bytes)
    }

    /// The tar the bundle holds.
    func tar() throws(TestfleetError) -> [UInt8] {
        guard bytes.count >= 8 else { throw .infrastructure("source bundle \(address) is too short") }
        var size: UInt64 = 0
        for i in (0..<8).reversed() { size = size << 8 | UInt64(bytes[i]) }
        do { return try OutputCodec.decompress(bytes[8...], originalSize: Int(size)) } catch {
            throw .infrastructure("source bundle \(address) does not decompress: \(error)")
        }
    }
}
