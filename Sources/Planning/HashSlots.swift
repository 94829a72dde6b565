/// An open-addressing table from a hash to an `Int`, for the timing model's million-entry
/// lookups. Swift's `Dictionary` keyed by names hashes every byte through `Hasher` and keeps
/// keys and values in separate arrays, costing several cache misses per lookup. Here a slot is
/// 8 bytes (the low 32 bits of the hash and the value), so a million entries take 16 MiB and a
/// lookup touches one cache line of the table; a match on those bits is confirmed by the
/// caller's `matches` (which compares the actual names), so a collision costs a comparison,
/// never a wrong answer.
struct HashSlots: Sendable {
    private struct Slot: Sendable {
        var hash: UInt32
        /// -1: empty.
        var value: Int32
    }

    private var slots: [Slot]
    private var mask: Int
    private(set) var count = 0

    /// A table with room for `capacity` entries before it grows (load factor ≤ 1/2).
    init(capacity: Int = 0) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: Slot(hash: 0, value: -1), count: size)
        mask = size - 1
    }

    /// The slot a hash's probe sequence starts at. Inserting many hashes in increasing order of
    /// their home slot walks the table front to back instead of jumping around it.
    func home(of hash: UInt64) -> Int { Int(UInt32(truncatingIfNeeded: hash)) & mask }

    /// The value stored under `hash` for which `matches` holds.
    @inline(__always)
    func find(_ hash: UInt64, where matches: (Int) -> Bool) -> Int? {
        let short = UInt32(truncatingIfNeeded: hash)
        var position = Int(short) & mask
        while true {
            let slot = slots[position]
            if slot.value < 0 { return nil }
            if slot.hash == short && matches(Int(slot.value)) { return Int(slot.value) }
            position = (position + 1) & mask
        }
    }

    /// The value under `hash` for which `matches` holds; when there is none, stores `value` there
    /// and returns nil. One probe sequence for both.
    @inline(__always)
    mutating func findOrInsert(_ hash: UInt64, value: Int, where matches: (Int) -> Bool) -> Int? {
        precondition(value >= 0 && value < Int(Int32.max), "HashSlots holds values 0..<2^31")
        if (count + 1) * 2 > slots.count { grow() }
        let short = UInt32(truncatingIfNeeded: hash)
        var position = Int(short) & mask
        while true {
            let slot = slots[position]
            if slot.value < 0 { break }
            if slot.hash == short && matches(Int(slot.value)) { return Int(slot.value) }
            position = (position + 1) & mask
        }
        slots[position] = Slot(hash: short, value: Int32(value))
        count += 1
        return nil
    }

    /// Stores `value` under `hash` (the caller has checked it is not there yet).
    mutating func insert(_ hash: UInt64, value: Int) {
        _ = findOrInsert(hash, value: value) { _ in false }
    }

    /// Doubles the table (positions come from the stored 32 bits, so nothing else is needed).
    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(hash: 0, value: -1), count: old.count * 2)
        mask = slots.count - 1
        for slot in old where slot.value >= 0 {
            var position = Int(slot.hash) & mask
            while slots[position].value >= 0 { position = (position + 1) & mask }
            slots[position] = slot
        }
    }
}
