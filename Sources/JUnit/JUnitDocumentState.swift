import Model

/// What the parser knows between tokens: the open elements, the test case being read, and which
/// text (if any) is being kept. Turns the scanner's tokens into `JUnitTestCase`s.
struct JUnitDocumentState {
    enum Kind {
        case testsuites, testsuite, testcase
        case failure, error, skipped
        case rerunFailure, rerunError, flakyFailure, flakyError
        case systemOut, systemErr
        case other
    }

    private struct OpenElement {
        var name: Range<Int>
        var kind: Kind
        var offset: Int
    }

    private enum Capture { case details, systemOut, systemErr, discard }

    private struct CaseBuilder {
        var classname = ""
        var name = ""
        var suite = ""
        var file: String?
        var duration = 0.0
        /// The strongest of the final-attempt children so far: failure > error > skipped.
        var finalKind: Kind?
        var message: String?
        var skipType: String?
        var earlier: [Outcome] = []
        var details: [UInt8] = []
        var systemOut: [UInt8] = []
        var systemErr: [UInt8] = []
        var dropped = 0
    }

    private var stack: [OpenElement] = []
    private var sawRoot = false
    private var suiteNames: [String] = []
    private var current: CaseBuilder?
    private var capture: (target: Capture, depth: Int)?
    private(set) var results: [JUnitTestCase] = []
    /// Bytes of output kept per test case (the tail); a test that printed 100 MB into the XML
    /// costs this much, not 100 MB.
    let outputCap: Int

    init(outputCap: Int = .max) {
        self.outputCap = max(0, outputCap)
    }

    // MARK: - Tokens

    mutating func open(_ name: Range<Int>, scanner: XMLScanner) throws(JUnitParseError) {
        let kind = Self.classify(name, scanner.bytes)
        if stack.isEmpty {
            if sawRoot {
                throw scanner.failure(at: scanner.tokenStart, "a second root element <\(scanner.string(name))>: a JUnit file has one root")
            }
            guard kind == .testsuites || kind == .testsuite else {
                throw scanner.failure(at: scanner.tokenStart,
                                      "the root element is <\(scanner.string(name))>, not <testsuites> or <testsuite>: not a JUnit XML file")
            }
            sawRoot = true
        }
        stack.append(OpenElement(name: name, kind: kind, offset: scanner.tokenStart))
        // Inside a kept element (a Surefire <stackTrace> in <flakyFailure>, say) only text matters.
        guard capture == nil else { return }

        switch kind {
        case .testsuite:
            suiteNames.append(attribute("name", scanner) ?? "")
        case .testcase:
            guard current == nil else {
                throw scanner.failure(at: scanner.tokenStart, "a <testcase> inside another <testcase>")
            }
            var builder = CaseBuilder()
            builder.suite = suiteNames.last ?? ""
            for attribute in scanner.attributes {
                switch Self.attributeName(attribute.name, scanner.bytes) {
                case .name: builder.name = XMLEntities.string(scanner.bytes, attribute.value, entities: attribute.entities)
                case .classname: builder.classname = XMLEntities.string(scanner.bytes, attribute.value, entities: attribute.entities)
                case .file: builder.file = XMLEntities.string(scanner.bytes, attribute.value, entities: attribute.entities)
                case .time: builder.duration = Self.seconds(scanner.bytes, attribute.value)
                default: break
                }
            }
            current = builder
        case .failure, .error, .skipped:
            guard current != nil else { return }
            if Self.rank(kind) > current!.finalKind.map(Self.rank) ?? 0 {
                current!.finalKind = kind
                current!.message = attribute("message", scanner)
                current!.skipType = kind == .skipped ? attribute("type", scanner) : nil
            }
            capture = (.details, stack.count)
        case .rerunFailure, .rerunError, .flakyFailure, .flakyError:
            guard current != nil else { return }
            current!.earlier.append(kind == .rerunError || kind == .flakyError ? .error : .failed)
            capture = (.discard, stack.count)
        case .systemOut, .systemErr:
            guard current != nil else { return }
            capture = (kind == .systemOut ? .systemOut : .systemErr, stack.count)
        case .testsuites, .other:
            break
        }
    }

    mutating func close(_ name: Range<Int>, scanner: XMLScanner) throws(JUnitParseError) {
        guard let top = stack.last else {
            throw scanner.failure(at: scanner.tokenStart, "</\(scanner.string(name))> closes nothing")
        }
        guard Self.same(top.name, name, scanner.bytes) else {
            let opened = scanner.lineAndColumn(of: top.offset)
            throw scanner.failure(at: scanner.tokenStart,
                                  "</\(scanner.string(name))> does not match <\(scanner.string(top.name))> opened at line \(opened.line)")
        }
        stack.removeLast()
        if let kept = capture, stack.count < kept.depth { capture = nil }
        switch top.kind {
        case .testcase where current != nil && capture == nil:
            // pytest writes a bare `<testcase time="…"/>` for the test it was interrupted in
            // (Ctrl-C, a timeout's SIGINT): nothing to record under no name, so it is left out.
            if !current!.name.isEmpty { results.append(finish(current!)) }
            current = nil
        case .testsuite where capture == nil:
            suiteNames.removeLast()
        default:
            break
        }
    }

    mutating func text(_ range: Range<Int>, entities: Bool, scanner: XMLScanner) throws(JUnitParseError) {
        if let target = capture?.target {
            append(range, entities: entities, to: target, scanner.bytes)
        } else if stack.isEmpty {
            for offset in range where !Self.isSpace(scanner.bytes[offset]) {
                throw scanner.failure(at: offset, "text outside the root element")
            }
        }
    }

    mutating func cdata(_ range: Range<Int>, scanner: XMLScanner) {
        if let target = capture?.target { append(range, entities: false, to: target, scanner.bytes) }
    }

    func finish(scanner: XMLScanner) throws(JUnitParseError) -> [JUnitTestCase] {
        if let open = stack.last {
            let opened = scanner.lineAndColumn(of: open.offset)
            throw scanner.failure(at: scanner.bytes.count,
                                  "the file ends inside <\(scanner.string(open.name))> opened at line \(opened.line) (truncated?)")
        }
        guard sawRoot else { throw scanner.failure(at: scanner.bytes.count, "no root element: the file is empty or not XML") }
        return results
    }

    // MARK: - Helpers

    private mutating func append(_ range: Range<Int>, entities: Bool, to target: Capture, _ bytes: UnsafeBufferPointer<UInt8>) {
        guard current != nil else { return }
        switch target {
        case .details: current!.dropped += Self.append(range, entities, bytes, &current!.details, cap: outputCap)
        case .systemOut: current!.dropped += Self.append(range, entities, bytes, &current!.systemOut, cap: outputCap)
        case .systemErr: current!.dropped += Self.append(range, entities, bytes, &current!.systemErr, cap: outputCap)
        case .discard: break
        }
    }

    /// Appends, then drops the front once the buffer is past twice the cap (amortised); returns
    /// the bytes dropped.
    private static func append(_ range: Range<Int>, _ entities: Bool, _ bytes: UnsafeBufferPointer<UInt8>,
                               _ output: inout [UInt8], cap: Int) -> Int {
        append(range, entities, bytes, &output)
        guard output.count > cap, output.count - cap > cap else { return 0 }
        let excess = output.count - cap
        output.removeFirst(excess)
        return excess
    }

    private static func append(_ range: Range<Int>, _ entities: Bool, _ bytes: UnsafeBufferPointer<UInt8>, _ output: inout [UInt8]) {
        if entities {
            XMLEntities.appendDecoded(bytes, range, to: &output)
        } else {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[range]))
        }
    }

    private func finish(_ builder: CaseBuilder) -> JUnitTestCase {
        let outcome: Outcome = switch builder.finalKind {
        case .failure: .failed
        case .error: .error
        case .skipped: builder.skipType == "pytest.xfail" ? .xfailed : .skipped
        default: .passed
        }
        var output = ""
        for part in [builder.details, builder.systemOut, builder.systemErr] where !part.isEmpty {
            if !output.isEmpty && !output.hasSuffix("\n") { output += "\n" }
            output += String(decoding: part, as: UTF8.self)
        }
        var dropped = builder.dropped
        if output.utf8.count > outputCap {
            let excess = output.utf8.count - outputCap
            dropped += excess
            output = String(decoding: output.utf8.dropFirst(excess), as: UTF8.self)
        }
        var message = builder.message
        if message == nil || message!.isEmpty, builder.finalKind == .failure || builder.finalKind == .error {
            // jest-junit and others put everything in the element's text: use its first line.
            let firstLine = String(decoding: builder.details, as: UTF8.self)
                .split(separator: "\n").first { !$0.allSatisfy(\.isWhitespace) }
            message = firstLine.map { String($0.trimmingPrefix(while: \.isWhitespace).prefix(300)) } ?? message
        }
        return JUnitTestCase(
            classname: builder.classname, testName: builder.name, suite: builder.suite, file: builder.file,
            outcome: outcome, duration: builder.duration, earlierAttempts: builder.earlier, message: message,
            output: output, outputDropped: dropped)
    }

    private func attribute(_ wanted: StaticString, _ scanner: XMLScanner) -> String? {
        for attribute in scanner.attributes where Self.equals(attribute.name, wanted, scanner.bytes) {
            return XMLEntities.string(scanner.bytes, attribute.value, entities: attribute.entities)
        }
        return nil
    }

    /// `time="1.5"` without building a String for the common `digits[.digits]` form; anything
    /// else goes through `seconds(_: String)`.
    static func seconds(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double {
        var whole: UInt64 = 0
        var fraction: UInt64 = 0
        var scale: UInt64 = 1
        var seenDot = false
        guard !range.isEmpty, range.count <= 15 else { return seconds(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)) }
        for index in range {
            let byte = bytes[index]
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                if seenDot {
                    fraction = fraction * 10 + UInt64(byte - UInt8(ascii: "0"))
                    scale *= 10
                } else {
                    whole = whole * 10 + UInt64(byte - UInt8(ascii: "0"))
                }
            } else if byte == UInt8(ascii: "."), !seenDot {
                seenDot = true
            } else {
                return seconds(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self))
            }
        }
        return Double(whole) + Double(fraction) / Double(scale)
    }

    /// `time="1.5"`; Surefire in some locales writes `1,234.5`. Unreadable or negative is 0.
    static func seconds(_ text: String) -> Double {
        if let value = Double(text), value.isFinite, value >= 0 { return value }
        if let value = Double(text.replacing(",", with: "")), value.isFinite, value >= 0 { return value }
        return 0
    }

    private static func rank(_ kind: Kind) -> Int {
        switch kind {
        case .failure: 3
        case .error: 2
        case .skipped: 1
        default: 0
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D }
}
