/// LSD radix sort of 64-bit keys, carrying a payload along: stable, O(n) per byte of key, and a
/// byte on which all keys agree is skipped (so small ranges cost fewer passes).
enum RadixSort {
    static func sort(_ keys: inout [UInt64], carrying payload: inout [UInt32]) {
        precondition(keys.count == payload.count, "radix sort: keys and payload differ in length")
        let count = keys.count
        guard count > 1 else { return }
        var keyBuffer = [UInt64](repeating: 0, count: count)
        var payloadBuffer = [UInt32](repeating: 0, count: count)
        var histogram = [Int](repeating: 0, count: 256)
        for shift in stride(from: UInt64(0), to: 64, by: 8) {
            for index in 0..<256 { histogram[index] = 0 }
            for key in keys { histogram[Int((key >> shift) & 0xFF)] += 1 }
            if histogram.contains(count) { continue }  // every key has the same byte here
            var offset = 0
            for index in 0..<256 {
                let bucket = histogram[index]
                histogram[index] = offset
                offset += bucket
            }
            for index in 0..<count {
                let key = keys[index]
                let bucket = Int((key >> shift) & 0xFF)
                let target = histogram[bucket]
                keyBuffer[target] = key
                payloadBuffer[target] = payload[index]
                histogram[bucket] = target + 1
            }
            swap(&keys, &keyBuffer)
            swap(&payload, &payloadBuffer)
        }
    }
}
