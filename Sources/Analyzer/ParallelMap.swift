import Dispatch

/// Maps `0..<count` on every core, in contiguous chunks, keeping the order: the per-test passes
/// of an analysis (scan, change points) are independent, and a 2-core machine halves them.
enum ParallelMap {
    /// Below this many elements one thread does it (dispatch costs more than it saves).
    static let minimumParallelCount = 2_048

    /// `transform(index, scratch)` for each index; each chunk gets a fresh `makeScratch()` for
    /// buffers a transform reuses between elements.
    static func map<T, Scratch>(count: Int, makeScratch: () -> Scratch, _ transform: (Int, inout Scratch) -> T) -> [T] {
        guard count >= minimumParallelCount else {
            var scratch = makeScratch()
            return (0..<count).map { transform($0, &scratch) }
        }
        let chunks = 16
        return withoutActuallyEscaping(transform) { transform in
            withoutActuallyEscaping(makeScratch) { makeScratch in
                var results = [[T]](repeating: [], count: chunks)
                results.withUnsafeMutableBufferPointer { buffer in
                    nonisolated(unsafe) let slots = buffer
                    nonisolated(unsafe) let work = transform
                    nonisolated(unsafe) let scratchMaker = makeScratch
                    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                        let range = (count * chunk / chunks)..<(count * (chunk + 1) / chunks)
                        var scratch = scratchMaker()
                        slots[chunk] = range.map { work($0, &scratch) }
                    }
                }
                return results.flatMap { $0 }
            }
        }
    }
}
