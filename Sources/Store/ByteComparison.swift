#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// memcmp-based comparisons of a stored name against a column's bytes for the hot read loops
/// (history loads, build summaries): the generic `elementsEqual` / `lexicographicallyPrecedes`
/// compare byte by byte through iterators, and showed up as a tenth of a history load's time.
enum ByteComparison {
    /// Whether `a` and `b` hold the same bytes.
    static func equal(_ a: [UInt8], _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let base = b.baseAddress, !a.isEmpty else { return true }
        return a.withUnsafeBufferPointer { memcmp($0.baseAddress!, base, a.count) == 0 }
    }

    /// Whether `a` sorts before `b` in memcmp order (SQLite's BINARY collation).
    static func precedes(_ a: [UInt8], _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let common = min(a.count, b.count)
        if common > 0, let base = b.baseAddress {
            let order = a.withUnsafeBufferPointer { memcmp($0.baseAddress!, base, common) }
            if order != 0 { return order < 0 }
        }
        return a.count < b.count
    }
}
