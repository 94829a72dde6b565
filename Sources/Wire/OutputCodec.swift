import CLZ4

/// LZ4 block compression of test output. Output is compressed once on the worker and stored
/// compressed; it is decompressed only when a person reads it.
public enum OutputCodec {
    /// Compresses `data` (empty stays empty).
    public static func compress(_ data: [UInt8]) -> [UInt8] {
        guard !data.isEmpty else { return [] }
        let bound = Int(LZ4_compressBound(Int32(clamping: data.count)))
        var out = [UInt8](repeating: 0, count: bound)
        let written = data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                src.withMemoryRebound(to: CChar.self) { s in
                    dst.withMemoryRebound(to: CChar.self) { d in
                        LZ4_compress_default(s.baseAddress, d.baseAddress, Int32(clamping: data.count), Int32(clamping: bound))
                    }
                }
            }
        }
        out.removeSubrange(Int(max(written, 0))...)
        return out
    }

    /// Decompresses a block whose original size is known (it travels and is stored beside it).
    public static func decompress(_ data: some Collection<UInt8>, originalSize: Int) throws(WireError) -> [UInt8] {
        guard originalSize > 0 else { return [] }
        guard originalSize <= 1 << 30 else { throw WireError("output claims \(originalSize) bytes; the limit is 1 GiB") }
        let source = Array(data)
        var out = [UInt8](repeating: 0, count: originalSize)
        let read = source.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                src.withMemoryRebound(to: CChar.self) { s in
                    dst.withMemoryRebound(to: CChar.self) { d in
                        LZ4_decompress_safe(s.baseAddress, d.baseAddress, Int32(clamping: source.count), Int32(clamping: originalSize))
                    }
                }
            }
        }
        guard read == originalSize else {
            throw WireError("corrupt LZ4 output block (decoded \(read) of \(originalSize) bytes)")
        }
        return out
    }
}
