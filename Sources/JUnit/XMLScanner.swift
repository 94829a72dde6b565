#if canImport(Glibc)
import Glibc
#endif

/// A byte-level XML tokenizer, just enough XML for JUnit files and fast (FoundationXML is an
/// order of magnitude too slow for a million test cases). It checks well-formedness as it goes
/// (tag syntax, quoting, entities, comments, CDATA) and leaves nesting to its caller. Positions
/// are byte offsets; line and column are computed only when an error is reported.
///
/// Valid only inside the `withUnsafeBufferPointer` scope that produced `bytes`.
struct XMLScanner {
    enum Token {
        /// A start tag; its attributes are in `attributes` until the next call.
        case start(name: Range<Int>, selfClosing: Bool)
        case end(name: Range<Int>)
        /// Character data between tags; `entities` says it holds `&…;` references to decode.
        case text(Range<Int>, entities: Bool)
        case cdata(Range<Int>)
        case endOfInput
    }

    struct Attribute {
        var name: Range<Int>
        var value: Range<Int>
        var entities: Bool
    }

    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var position = 0
    /// The current start tag's attributes (reused between tags to avoid allocations).
    private(set) var attributes: [Attribute] = []
    /// Where the token just returned began.
    private(set) var tokenStart = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        // A UTF-8 byte order mark is allowed before the prolog.
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { position = 3 }
        attributes.reserveCapacity(16)
    }

    mutating func next() throws(JUnitParseError) -> Token {
        while true {
            tokenStart = position
            guard position < bytes.count else { return .endOfInput }
            if bytes[position] != UInt8(ascii: "<") {
                let end = find(UInt8(ascii: "<"), from: position) ?? bytes.count
                let entities = try checkEntities(position..<end)
                let range = position..<end
                position = end
                return .text(range, entities: entities)
            }
            guard position + 1 < bytes.count else { throw failure(at: position, "the file ends inside a tag (truncated?)") }
            switch bytes[position + 1] {
            case UInt8(ascii: "/"):
                position += 2
                let name = try scanName()
                skipSpace()
                try expect(UInt8(ascii: ">"), "'>' to end the closing tag")
                return .end(name: name)
            case UInt8(ascii: "?"):
                guard let end = find(sequence: "?>", from: position + 2) else {
                    throw failure(at: position, "a processing instruction '<?' is never closed with '?>'")
                }
                position = end + 2
            case UInt8(ascii: "!"):
                if hasPrefix("<!--", at: position) {
                    guard let end = find(sequence: "-->", from: position + 4) else {
                        throw failure(at: position, "a comment '<!--' is never closed with '-->'")
                    }
                    position = end + 3
                } else if hasPrefix("<![CDATA[", at: position) {
                    guard let end = find(sequence: "]]>", from: position + 9) else {
                        throw failure(at: position, "a CDATA section is never closed with ']]>'")
                    }
                    let range = (position + 9)..<end
                    position = end + 3
                    return .cdata(range)
                } else if hasPrefix("<!DOCTYPE", at: position) {
                    try skipDoctype()
                } else {
                    throw failure(at: position, "'<!' starts neither a comment, CDATA nor DOCTYPE")
                }
            default:
                position += 1
                let name = try scanName()
                return try scanAttributes(name: name)
            }
        }
    }

    // MARK: - Tags

    private mutating func scanAttributes(name: Range<Int>) throws(JUnitParseError) -> Token {
        attributes.removeAll(keepingCapacity: true)
        while true {
            let hadSpace = skipSpace()
            guard position < bytes.count else {
                throw failure(at: tokenStart, "the file ends inside the tag <\(string(name))> (truncated?)")
            }
            switch bytes[position] {
            case UInt8(ascii: ">"):
                position += 1
                return .start(name: name, selfClosing: false)
            case UInt8(ascii: "/"):
                position += 1
                try expect(UInt8(ascii: ">"), "'>' after '/' in <\(string(name))>")
                return .start(name: name, selfClosing: true)
            default:
                guard hadSpace else { throw failure(at: position, "expected a space before an attribute in <\(string(name))>") }
                let attributeName = try scanName()
                skipSpace()
                try expect(UInt8(ascii: "="), "'=' after attribute '\(string(attributeName))'")
                skipSpace()
                guard position < bytes.count,
                      bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'") else {
                    throw failure(at: position, "the value of attribute '\(string(attributeName))' must be quoted")
                }
                let quote = bytes[position]
                let start = position + 1
                guard let end = find(quote, from: start) else {
                    throw failure(at: position, "the value of attribute '\(string(attributeName))' is never closed")
                }
                if let less = find(UInt8(ascii: "<"), from: start, to: end) {
                    throw failure(at: less, "'<' is not allowed in an attribute value (write &lt;)")
                }
                let entities = try checkEntities(start..<end)
                position = end + 1
                attributes.append(Attribute(name: attributeName, value: start..<end, entities: entities))
            }
        }
    }

    private mutating func scanName() throws(JUnitParseError) -> Range<Int> {
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte <= 0x20 || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=")
                || byte == UInt8(ascii: "<") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                break
            }
            position += 1
        }
        guard position > start else {
            if position >= bytes.count { throw failure(at: start, "the file ends where a name was expected (truncated?)") }
            throw failure(at: start, "expected a name, found '\(Character(Unicode.Scalar(bytes[start])))'")
        }
        let first = bytes[start]
        if first == UInt8(ascii: "-") || first == UInt8(ascii: ".") || (first >= 0x30 && first <= 0x39) {
            throw failure(at: start, "a name cannot start with '\(Character(Unicode.Scalar(first)))'")
        }
        return start..<position
    }

    private mutating func skipDoctype() throws(JUnitParseError) {
        let start = position
        var depth = 0
        position += 9
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: ">") where depth <= 0:
                position += 1
                return
            default: break
            }
            position += 1
        }
        throw failure(at: start, "a DOCTYPE is never closed with '>'")
    }

    // MARK: - Entities

    /// Checks every `&…;` in `range`; returns whether there was any.
    private func checkEntities(_ range: Range<Int>) throws(JUnitParseError) -> Bool {
        var found = false
        var cursor = range.lowerBound
        while let amp = find(UInt8(ascii: "&"), from: cursor, to: range.upperBound) {
            found = true
            guard let semicolon = find(UInt8(ascii: ";"), from: amp + 1, to: min(range.upperBound, amp + 12)),
                  XMLEntities.decode(bytes, amp + 1..<semicolon) != nil else {
                let shown = string(amp..<min(range.upperBound, amp + 12)).prefix { $0 != "\n" }
                throw failure(at: amp, "bad entity reference '\(shown)…' (use &amp; &lt; &gt; &quot; &apos; &#N; &#xH;)")
            }
            cursor = semicolon + 1
        }
        return found
    }

    // MARK: - Bytes

    @discardableResult
    private mutating func skipSpace() -> Bool {
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            guard byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D else { break }
            position += 1
        }
        return position > start
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(JUnitParseError) {
        guard position < bytes.count else { throw failure(at: position, "the file ends where \(what) was expected (truncated?)") }
        guard bytes[position] == byte else { throw failure(at: position, "expected \(what)") }
        position += 1
    }

    func find(_ byte: UInt8, from start: Int, to end: Int? = nil) -> Int? {
        let end = end ?? bytes.count
        guard start < end, let base = bytes.baseAddress else { return nil }
        guard let hit = memchr(base + start, Int32(byte), end - start) else { return nil }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    private func find(sequence: StaticString, from start: Int) -> Int? {
        let pattern = UnsafeBufferPointer(start: sequence.utf8Start, count: sequence.utf8CodeUnitCount)
        var cursor = start
        while let hit = find(pattern[0], from: cursor) {
            if hit + pattern.count > bytes.count { return nil }
            var match = true
            for offset in 1..<pattern.count where bytes[hit + offset] != pattern[offset] {
                match = false
                break
            }
            if match { return hit }
            cursor = hit + 1
        }
        return nil
    }

    private func hasPrefix(_ prefix: StaticString, at offset: Int) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard offset + count <= bytes.count else { return false }
        for index in 0..<count where bytes[offset + index] != prefix.utf8Start[index] { return false }
        return true
    }

    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// An error at byte `offset`, with its line and column.
    func failure(at offset: Int, _ message: String) -> JUnitParseError {
        let (line, column) = lineAndColumn(of: offset)
        return JUnitParseError(line: line, column: column, message: message)
    }

    func lineAndColumn(of offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        var cursor = 0
        let limit = min(offset, bytes.count)
        while let newline = find(UInt8(ascii: "\n"), from: cursor, to: limit) {
            line += 1
            lineStart = newline + 1
            cursor = newline + 1
        }
        return (line, limit - lineStart + 1)
    }
}
