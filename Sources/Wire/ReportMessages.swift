/// Client → coordinator: send me a finished build's results as a document (`format` "junit":
/// JUnit XML, what `submit --junit FILE` writes). Asking again is safe.
public struct ReportRequest: Sendable, Equatable {
    public var build: String
    public var format: String
    public init(build: String, format: String = "junit") {
        self.build = build
        self.format = format
    }
    func write(to w: inout WireWriter) {
        w.string(1, build)
        w.string(2, format)
    }
    init(from r: inout WireReader) throws(WireError) {
        self.init(build: "", format: "")
        while let (tag, f) = try r.next() {
            switch tag {
            case 1: build = r.string(f)
            case 2: format = r.string(f)
            default: break
            }
        }
        guard !build.isEmpty, !format.isEmpty else { throw WireError("report request without a build id or format") }
    }
}

/// Coordinator → client: the document a `ReportRequest` asked for, LZ4-compressed (JUnit XML of a
/// 100k-test build is tens of MB; it compresses about tenfold).
public struct Report: Sendable, Equatable {
    public var build: String
    public var format: String
    public var size: Int
    public var lz4: [UInt8]
    public init(build: String, format: String, size: Int, lz4: [UInt8]) {
        self.build = build
        self.format = format
        self.size = size
        self.lz4 = lz4
    }
    /// Compresses `document` into a report.
    public init(build: String, format: String, document: [UInt8]) {
        self.init(build: build, format: format, size: document.count, lz4: OutputCodec.compress(document))
    }
    /// The document's bytes.
    public func document() throws(WireError) -> [UInt8] { try OutputCodec.decompress(lz4, originalSize: size) }

    func write(to w: inout WireWriter) {
        w.string(1, build)
        w.string(2, format)
        w.int(3, size)
        w.bytes(4, lz4)
    }
    init(from r: inout WireReader) throws(WireError) {
        self.init(build: "", format: "", size: 0, lz4: [])
        while let (tag, f) = try r.next() {
            switch tag {
            case 1: build = r.string(f)
            case 2: format = r.string(f)
            case 3: size = r.int(f)
            case 4: lz4 = Array(r.bytes(f))
            default: break
            }
        }
    }
}
