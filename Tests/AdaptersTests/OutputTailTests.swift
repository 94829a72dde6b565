import Testing
@testable import Adapters

@Suite struct OutputTailTests {
    @Test(arguments: [0, 1, 7, 64])
    func keepsExactlyTheLastBytesAcrossWraps(capacity: Int) {
        var tail = OutputTail(capacity: capacity)
        var everything: [UInt8] = []
        var generator = SystemRandomNumberGenerator()
        for round in 0..<300 {
            let size = Int.random(in: 0...(capacity * 2 + 3), using: &generator)
            let chunk = (0..<size).map { UInt8(truncatingIfNeeded: round &* 31 &+ $0) }
            tail.append(chunk)
            everything += chunk
            #expect(tail.bytes == Array(everything.suffix(capacity)))
            #expect(tail.dropped == everything.count - min(everything.count, capacity))
            #expect(tail.total == everything.count)
        }
    }
}
