import Model

/// Fast hashing of test names for the timing model's tables. A plan looks up a million names,
/// and `String`'s own hashing (SipHash over every byte, through `Hasher`) was most of that time;
/// this mixes 8 bytes per step and is computed once per name. It is no defence against crafted
/// collisions, and needs none: tables still compare the names on a hash match, so a collision
/// costs a comparison, never a wrong answer.
enum TestNameHashing {
    /// A 64-bit hash of `bytes`: each 8-byte word (and the zero-padded tail) folded in through
    /// SplitMix64's finaliser, a full-avalanche mix.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var offset = 0
        while offset + 8 <= bytes.count {
            h = SeededRandom.mix(h ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        var tail: UInt64 = 0, shift: UInt64 = 0
        while offset < bytes.count {
            tail |= UInt64(bytes[offset]) << shift
            shift += 8
            offset += 1
        }
        return SeededRandom.mix(h ^ tail)
    }

    /// `hash` made specific to an arch constraint (nil: all arches), for per-arch tables.
    static func salted(_ hash: UInt64, _ arch: Arch?) -> UInt64 {
        switch arch {
        case nil: hash
        case .x86_64?: SeededRandom.mix(hash ^ 0x5851_F42D_4C95_7F2D)
        case .aarch64?: SeededRandom.mix(hash ^ 0x1405_7B7E_F767_814F)
        }
    }

    /// Byte length of a name's file part: up to the first `::`, or the whole name.
    static func fileLength(_ bytes: UnsafeRawBufferPointer) -> Int {
        var offset = 0
        let colon = UInt8(ascii: ":")
        while offset + 1 < bytes.count {
            if bytes[offset] == colon && bytes[offset + 1] == colon { return offset }
            offset += 1
        }
        return bytes.count
    }

    /// Runs `body` on the UTF-8 bytes of `text` without copying when it can.
    static func withBytes<R>(_ text: String, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if let result = text.utf8.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        var copy = text
        return copy.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    /// Whether the first `count` bytes of two names are equal.
    static func prefixesEqual(_ a: String, _ b: String, count: Int) -> Bool {
        withBytes(a) { x in
            withBytes(b) { y in
                x.count >= count && y.count >= count && (count == 0 || memcmpEqual(x, y, count))
            }
        }
    }

    private static func memcmpEqual(_ x: UnsafeRawBufferPointer, _ y: UnsafeRawBufferPointer, _ count: Int) -> Bool {
        var offset = 0
        while offset + 8 <= count {
            if x.loadUnaligned(fromByteOffset: offset, as: UInt64.self) != y.loadUnaligned(fromByteOffset: offset, as: UInt64.self) {
                return false
            }
            offset += 8
        }
        while offset < count {
            if x[offset] != y[offset] { return false }
            offset += 1
        }
        return true
    }
}
