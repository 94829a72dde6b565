/// The last `capacity` bytes of a stream, kept in a ring so that a process printing 100 MB costs
/// `capacity` bytes of memory, not 100 MB. Counts what it had to drop from the front.
///
/// Storage grows with the output up to `capacity`, so the common small output does not pay for a
/// full-size buffer.
struct OutputTail: Sendable {
    let capacity: Int
    private var storage: [UInt8] = []
    /// Once `storage` is full: where the next byte goes, which is also the oldest byte kept.
    private var head = 0
    /// Every byte ever appended.
    private(set) var total = 0

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// Bytes dropped from the front because of the cap.
    var dropped: Int { total - min(total, capacity) }

    mutating func append(_ chunk: UnsafeRawBufferPointer) {
        total += chunk.count
        guard capacity > 0, !chunk.isEmpty else { return }
        var bytes = chunk
        if storage.count < capacity {
            let room = capacity - storage.count
            storage.append(contentsOf: bytes.prefix(room))
            bytes = UnsafeRawBufferPointer(rebasing: bytes.dropFirst(min(room, bytes.count)))
            if bytes.isEmpty { return }
        }
        // Full ring from here on. A chunk at least as large as the ring replaces all of it.
        if bytes.count >= capacity {
            let last = UnsafeRawBufferPointer(rebasing: bytes.suffix(capacity))
            storage.withUnsafeMutableBytes { $0.copyMemory(from: last) }
            head = 0
            return
        }
        storage.withUnsafeMutableBytes { ring in
            let first = min(bytes.count, capacity - head)
            UnsafeMutableRawBufferPointer(rebasing: ring[head..<(head + first)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes.prefix(first)))
            let rest = bytes.count - first
            if rest > 0 {
                UnsafeMutableRawBufferPointer(rebasing: ring[0..<rest])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes.dropFirst(first)))
            }
        }
        head = (head + bytes.count) % capacity
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// The kept bytes, oldest first.
    var bytes: [UInt8] {
        guard storage.count == capacity, head != 0 else { return storage }
        return Array(storage[head...]) + storage[..<head]
    }
}
