/// The token-level pieces of the scanner: skipping strings, comments and whitespace, reading
/// names. All of them work on the raw UTF-8 bytes; non-ASCII bytes count as identifier
/// characters, which is what Python's identifiers allow.
extension PythonImportScanner {
    /// Skips to the end of a comment, leaving the line break for the caller.
    mutating func skipComment() {
        while index < bytes.count, bytes[index] != .newline, bytes[index] != .carriageReturn { index += 1 }
    }

    /// After a backslash: a following line break is a continuation and does not end the line.
    mutating func skipLineBreak() {
        guard index < bytes.count else { return }
        if bytes[index] == .carriageReturn {
            index += 1
            line += 1
            if index < bytes.count, bytes[index] == .newline { index += 1 }
        } else if bytes[index] == .newline {
            index += 1
            line += 1
        }
    }

    /// Spaces, continuations and, inside brackets, line breaks and comments.
    mutating func skipSpace(insideBrackets: Bool) {
        while index < bytes.count {
            switch bytes[index] {
            case .space, .tab, .formFeed:
                index += 1
            case .backslash:
                let next = index + 1
                guard next < bytes.count, bytes[next] == .newline || bytes[next] == .carriageReturn else { return }
                index += 1
                skipLineBreak()
            case .newline where insideBrackets:
                index += 1
                line += 1
            case .carriageReturn where insideBrackets:
                index += 1
                if index < bytes.count, bytes[index] == .newline { continue }
                line += 1
            case .hash where insideBrackets:
                skipComment()
            default:
                return
            }
        }
    }

    /// At an opening quote: skips the whole string literal. A single-quoted string that reaches a
    /// line break is unterminated; it stops there so one stray quote cannot hide the rest of the
    /// file.
    mutating func skipString(isFormatted: Bool) {
        let quote = bytes[index]
        let count = bytes.count
        let triple = index + 2 < count && bytes[index + 1] == quote && bytes[index + 2] == quote
        index += triple ? 3 : 1
        while index < count {
            let byte = bytes[index]
            if byte == .backslash {
                // Raw strings too: a backslash keeps the next quote from closing the string.
                index += 1
                if index < count {
                    if bytes[index] == .newline || bytes[index] == .carriageReturn {
                        skipLineBreak()
                    } else {
                        index += 1
                    }
                }
            } else if byte == quote {
                if !triple {
                    index += 1
                    return
                }
                if index + 2 < count, bytes[index + 1] == quote, bytes[index + 2] == quote {
                    index += 3
                    return
                }
                index += 1
            } else if byte == .newline || byte == .carriageReturn {
                if !triple { return }
                index += 1
                if byte == .carriageReturn, index < count, bytes[index] == .newline { index += 1 }
                line += 1
            } else if isFormatted, byte == .openBrace {
                if index + 1 < count, bytes[index + 1] == .openBrace {
                    index += 2
                } else {
                    index += 1
                    skipFormatExpression(allowsLineBreaks: triple)
                }
            } else {
                index += 1
            }
        }
    }

    /// Inside an f-string after `{`: skips the replacement field, including nested strings (which
    /// may reuse the outer quote since Python 3.12) and a format spec with nested fields.
    private mutating func skipFormatExpression(allowsLineBreaks: Bool) {
        var depth = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            switch byte {
            case .doubleQuote, .singleQuote:
                skipString(isFormatted: false)
            case .openParen, .openBracket, .openBrace:
                depth += 1
                index += 1
            case .closeParen, .closeBracket:
                if depth > 0 { depth -= 1 }
                index += 1
            case .closeBrace:
                index += 1
                if depth == 0 { return }
                depth -= 1
            case .newline, .carriageReturn:
                if !allowsLineBreaks { return }
                index += 1
                if byte == .carriageReturn, index < count, bytes[index] == .newline { index += 1 }
                line += 1
            default:
                if byte.isIdentifierStart {
                    let start = index
                    skipIdentifier()
                    if index < count, bytes[index] == .doubleQuote || bytes[index] == .singleQuote,
                        let formatted = stringPrefixIsFormatted(start, index)
                    {
                        skipString(isFormatted: formatted)
                    }
                } else {
                    index += 1
                }
            }
        }
    }

    mutating func skipIdentifier() {
        while index < bytes.count, bytes[index].isIdentifierContinue { index += 1 }
    }

    /// Whether `bytes[start..<end]` is a string prefix (`r`, `b`, `u`, `f`, `t` and their
    /// two-letter combinations, any case); nil when it is an ordinary name. The value says
    /// whether the string is an f- or t-string, whose `{…}` fields hold code.
    func stringPrefixIsFormatted(_ start: Int, _ end: Int) -> Bool? {
        let length = end - start
        guard length == 1 || length == 2 else { return nil }
        var formatted = false
        for position in start..<end {
            switch bytes[position] | 0x20 {  // ASCII lower case
            case UInt8(ascii: "r"), UInt8(ascii: "b"), UInt8(ascii: "u"): break
            case UInt8(ascii: "f"), UInt8(ascii: "t"): formatted = true
            default: return nil
            }
        }
        return formatted
    }

    /// Whether the word just read (`bytes[start..<index]`) is `word`.
    func matches(_ start: Int, _ word: StaticString) -> Bool {
        guard index - start == word.utf8CodeUnitCount else { return false }
        let pointer = word.utf8Start
        for offset in 0..<word.utf8CodeUnitCount where bytes[start + offset] != pointer[offset] { return false }
        return true
    }

    /// Whether the next word is `word` (followed by a non-identifier character).
    func peekWord(_ word: StaticString) -> Bool {
        let length = word.utf8CodeUnitCount
        guard index + length <= bytes.count else { return false }
        let pointer = word.utf8Start
        for offset in 0..<length where bytes[index + offset] != pointer[offset] { return false }
        return index + length == bytes.count || !bytes[index + length].isIdentifierContinue
    }

    mutating func readIdentifier() -> String? {
        guard index < bytes.count, bytes[index].isIdentifierStart else { return nil }
        let start = index
        skipIdentifier()
        return text(start, index)
    }

    /// `a.b.c`, allowing spaces around the dots as Python does.
    mutating func readDottedName() -> String? {
        guard var name = readIdentifier() else { return nil }
        while true {
            let saved = (index, line)
            skipSpace(insideBrackets: false)
            guard index < bytes.count, bytes[index] == .dot else {
                (index, line) = saved
                return name
            }
            index += 1
            skipSpace(insideBrackets: false)
            guard let part = readIdentifier() else {
                (index, line) = saved
                return name
            }
            name += "." + part
        }
    }

    /// A one-line string literal without escapes or f-fields (optionally `r`/`u` prefixed);
    /// nil for anything else.
    mutating func readPlainStringLiteral() -> String? {
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "r") || bytes[index] | 0x20 == UInt8(ascii: "u") {
            index += 1
        }
        guard index < bytes.count, bytes[index] == .doubleQuote || bytes[index] == .singleQuote else { return nil }
        let quote = bytes[index]
        index += 1
        let start = index
        while index < bytes.count, bytes[index] != quote {
            let byte = bytes[index]
            if byte == .backslash || byte == .newline || byte == .carriageReturn { return nil }
            index += 1
        }
        guard index < bytes.count, index > start else { return nil }
        let value = text(start, index)
        index += 1
        return value
    }

    private func text(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }
}

extension UInt8 {
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let formFeed: UInt8 = 0x0C
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let doubleQuote = UInt8(ascii: "\"")
    static let singleQuote = UInt8(ascii: "'")
    static let hash = UInt8(ascii: "#")
    static let backslash = UInt8(ascii: "\\")
    static let openParen = UInt8(ascii: "(")
    static let closeParen = UInt8(ascii: ")")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let semicolon = UInt8(ascii: ";")
    static let colon = UInt8(ascii: ":")
    static let comma = UInt8(ascii: ",")
    static let dot = UInt8(ascii: ".")
    static let star = UInt8(ascii: "*")

    /// Letters, `_` and every non-ASCII byte (Python identifiers may be Unicode).
    var isIdentifierStart: Bool {
        (self | 0x20 >= UInt8(ascii: "a") && self | 0x20 <= UInt8(ascii: "z")) || self == UInt8(ascii: "_") || self >= 0x80
    }

    var isIdentifierContinue: Bool { isIdentifierStart || isDigit }

    var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
}
