/// A set of byte strings numbered in insertion order, looked up by UTF-8 bytes in place.
///
/// Resolving a mono-repo's imports looks up hundreds of thousands of dotted names and their
/// prefixes (`root + "." + target`, then each shorter prefix); with `String` keys each lookup
/// built a string and hashed it through the Unicode-aware hasher. Here a lookup hashes the bytes
/// it is given (FNV-1a) and compares them with the stored key: nothing is allocated.
struct ByteStringTable: Sendable {
    /// The keys, back to back; key `i` is `storage[starts[i]..<starts[i + 1]]`.
    private var storage: [UInt8] = []
    private var starts: [Int] = [0]
    /// Open addressing with linear probing: a key index, or -1 for an empty slot.
    private var slots: [Int32]
    /// The full hash of the key in each slot, so most probes compare no bytes.
    private var slotHashes: [UInt64]

    /// Number of keys.
    var count: Int { starts.count - 1 }

    init(expectedCount: Int = 16) {
        var capacity = 16
        while capacity < expectedCount * 2 { capacity *= 2 }
        slots = [Int32](repeating: -1, count: capacity)
        slotHashes = [UInt64](repeating: 0, count: capacity)
    }

    /// The index of `key`, added at the end when it is new.
    @discardableResult
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>) -> (index: Int, inserted: Bool) {
        if (count + 1) * 2 > slots.count { grow() }
        let hash = Self.hash(key)
        var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while slots[slot] >= 0 {
            if slotHashes[slot] == hash, equals(Int(slots[slot]), key) { return (Int(slots[slot]), false) }
            slot = (slot + 1) & (slots.count - 1)
        }
        let index = count
        slots[slot] = Int32(index)
        slotHashes[slot] = hash
        storage.append(contentsOf: key)
        starts.append(storage.count)
        return (index, true)
    }

    /// The index of `key`, added when new.
    @discardableResult
    mutating func insert(_ key: String) -> (index: Int, inserted: Bool) {
        var key = key
        return key.withUTF8 { insert($0) }
    }

    /// The index of `key`, nil when absent.
    func find(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
        let hash = Self.hash(key)
        var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while slots[slot] >= 0 {
            if slotHashes[slot] == hash, equals(Int(slots[slot]), key) { return Int(slots[slot]) }
            slot = (slot + 1) & (slots.count - 1)
        }
        return nil
    }

    /// The index of `key`, nil when absent.
    func find(_ key: some StringProtocol) -> Int? {
        var text = String(key)
        return text.withUTF8 { find($0) }
    }

    private func equals(_ index: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[index]
        let length = starts[index + 1] - start
        guard length == key.count else { return false }
        return storage.withUnsafeBufferPointer { stored in
            length == 0 || memcmpBytes(stored.baseAddress! + start, key.baseAddress!, length)
        }
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        var newSlots = [Int32](repeating: -1, count: capacity)
        var newHashes = [UInt64](repeating: 0, count: capacity)
        for (slot, index) in slots.enumerated() where index >= 0 {
            var target = Int(truncatingIfNeeded: slotHashes[slot]) & (capacity - 1)
            while newSlots[target] >= 0 { target = (target + 1) & (capacity - 1) }
            newSlots[target] = index
            newHashes[target] = slotHashes[slot]
        }
        slots = newSlots
        slotHashes = newHashes
    }

    /// Eight bytes at a time, each word folded in with a multiply and a rotation, then a final
    /// mix so the low bits used for the slot depend on every byte (names are 10–60 bytes long).
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0x9e37_79b9_7f4a_7c15 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return hash }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while offset + 8 <= bytes.count {
            let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            hash = ((hash ^ word) &* 0xff51_afd7_ed55_8ccd).rotatedLeft(by: 29)
            offset += 8
        }
        if offset < bytes.count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while offset < bytes.count {
                tail |= UInt64(bytes[offset]) << shift
                shift += 8
                offset += 1
            }
            hash = ((hash ^ tail) &* 0xff51_afd7_ed55_8ccd).rotatedLeft(by: 29)
        }
        hash ^= hash >> 33
        hash = hash &* 0xc4ce_b9fe_1a85_ec53
        return hash ^ (hash >> 33)
    }
}

extension UInt64 {
    @inline(__always)
    fileprivate func rotatedLeft(by count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}

/// `memcmp(a, b, count) == 0` without importing the C library into this pure module.
@inline(__always)
private func memcmpBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    UnsafeBufferPointer(start: a, count: count).elementsEqual(UnsafeBufferPointer(start: b, count: count))
}
