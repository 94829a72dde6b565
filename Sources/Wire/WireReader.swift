/// A field read by `WireReader`: its tag and either a varint or a byte range of the buffer.
public enum WireField: Sendable {
    case varint(UInt64)
    case bytes(Range<Int>)
}

/// Why a message could not be read.
public struct WireError: Error, Sendable, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Walks the fields of one encoded message. Unknown tags are the caller's to skip (they simply
/// ignore them); unknown wire types are an error because their length cannot be known.
public struct WireReader {
    public let buffer: [UInt8]
    public private(set) var position: Int
    let end: Int

    public init(_ buffer: [UInt8], range: Range<Int>? = nil) {
        self.buffer = buffer
        self.position = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? buffer.count
    }

    @inline(__always)
    mutating func rawVarint() throws(WireError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < end {
            let byte = buffer[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
            if shift > 63 { throw WireError("varint longer than 10 bytes at offset \(position)") }
        }
        throw WireError("message truncated inside a varint")
    }

    /// The next field, or nil at the end of the message.
    @inline(__always)
    public mutating func next() throws(WireError) -> (tag: UInt32, field: WireField)? {
        guard position < end else { return nil }
        let key = try rawVarint()
        let tag = UInt32(truncatingIfNeeded: key >> 3)
        switch key & 7 {
        case 0:
            return (tag, .varint(try rawVarint()))
        case 2:
            let length = try rawVarint()
            guard length <= UInt64(end - position) else {
                throw WireError("field \(tag) claims \(length) bytes but only \(end - position) remain")
            }
            let start = position
            position += Int(length)
            return (tag, .bytes(start..<position))
        default:
            throw WireError("unknown wire type \(key & 7) for field \(tag)")
        }
    }

    // Typed views of a field; a field of the wrong type reads as empty/zero, never traps.

    public func uint(_ field: WireField) -> UInt64 {
        if case .varint(let v) = field { v } else { 0 }
    }

    public func int(_ field: WireField) -> Int { Int(truncatingIfNeeded: min(uint(field), UInt64(Int.max))) }

    public func double(_ field: WireField) -> Double { Double(bitPattern: uint(field)) }

    public func bytes(_ field: WireField) -> ArraySlice<UInt8> {
        if case .bytes(let r) = field { buffer[r] } else { [] }
    }

    public func string(_ field: WireField) -> String {
        guard case .bytes(let r) = field else { return "" }
        return buffer.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[r]), as: UTF8.self) }
    }

    /// A reader over a nested message field.
    public func nested(_ field: WireField) -> WireReader {
        if case .bytes(let r) = field { WireReader(buffer, range: r) } else { WireReader([], range: 0..<0) }
    }
}
