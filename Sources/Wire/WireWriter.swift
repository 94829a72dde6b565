/// Appends fields in testfleet's wire encoding: a protobuf-compatible tag/length/value layout
/// written by hand. Each field is `key = (tag << 3) | type` as a varint, then a varint value
/// (type 0) or a varint length and that many bytes (type 2). A reader skips any field it does not
/// know, which is what lets an older worker talk to a newer coordinator.
public struct WireWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    mutating func rawByte(_ byte: UInt8) { bytes.append(byte) }

    @inline(__always)
    mutating func rawVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// An unsigned integer field (omitted when zero, as protobuf does: absent reads as zero).
    @inline(__always)
    public mutating func uint(_ tag: UInt32, _ value: UInt64) {
        guard value != 0 else { return }
        rawVarint(UInt64(tag) << 3)
        rawVarint(value)
    }

    public mutating func int(_ tag: UInt32, _ value: Int) { uint(tag, UInt64(max(value, 0))) }

    public mutating func bool(_ tag: UInt32, _ value: Bool) { uint(tag, value ? 1 : 0) }

    /// A double as its IEEE bit pattern in a varint field.
    public mutating func double(_ tag: UInt32, _ value: Double) { uint(tag, value.bitPattern) }

    /// A length-delimited field (always written, so an empty string is distinguishable from absent
    /// only by callers that care; readers treat both as empty).
    @inline(__always)
    public mutating func bytes(_ tag: UInt32, _ value: some Collection<UInt8>) {
        rawVarint(UInt64(tag) << 3 | 2)
        rawVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    public mutating func string(_ tag: UInt32, _ value: String) {
        var copy = value
        copy.withUTF8 { bytes(tag, $0) }
    }

    /// A nested message whose fields `body` writes in place. The length is patched afterwards:
    /// one byte is reserved, which fits the common small record, and widened only when needed
    /// (no temporary buffer per record on the hot path).
    public mutating func message(_ tag: UInt32, _ body: (inout WireWriter) -> Void) {
        rawVarint(UInt64(tag) << 3 | 2)
        let lengthAt = bytes.count
        bytes.append(0)
        let start = bytes.count
        body(&self)
        let length = bytes.count - start
        if length < 0x80 {
            bytes[lengthAt] = UInt8(length)
            return
        }
        var encoded: [UInt8] = []
        var v = length
        while v >= 0x80 {
            encoded.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        encoded.append(UInt8(v))
        bytes.replaceSubrange(lengthAt..<(lengthAt + 1), with: encoded)
    }
}
