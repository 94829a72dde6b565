/// An XML document under construction, with escaping that always yields well-formed XML 1.0:
/// markup characters become entities, and control characters XML cannot carry (terminal colour
/// escapes in test output, NUL) become U+FFFD.
struct XMLText {
    private(set) var bytes: [UInt8] = []

    var string: String { String(decoding: bytes, as: UTF8.self) }

    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// ` name="value"`, escaped; newlines and tabs kept as references so they survive parsing.
    mutating func attribute(_ name: String, _ value: String) {
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: name.utf8)
        bytes.append(contentsOf: "=\"".utf8)
        escape(value, inAttribute: true)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func text(_ value: String) { escape(value, inAttribute: false) }

    mutating func counts(_ counts: JUnitWriter.Counts) {
        attribute("tests", String(counts.tests))
        attribute("failures", String(counts.failures))
        attribute("errors", String(counts.errors))
        attribute("skipped", String(counts.skipped))
        attribute("time", JUnitWriter.seconds(counts.time))
    }

    private mutating func escape(_ value: String, inAttribute: Bool) {
        let utf8 = Array(value.utf8)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            index += 1
            // U+FFFE and U+FFFF (EF BF BE/BF) are not XML characters either.
            if byte == 0xEF, index + 1 < utf8.count, utf8[index] == 0xBF, utf8[index + 1] >= 0xBE {
                bytes.append(contentsOf: [0xEF, 0xBF, 0xBD])
                index += 2
                continue
            }
            switch byte {
            case UInt8(ascii: "&"): bytes.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): bytes.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): bytes.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\"") where inAttribute: bytes.append(contentsOf: "&quot;".utf8)
            case 0x0A where inAttribute: bytes.append(contentsOf: "&#10;".utf8)
            case 0x0D: bytes.append(contentsOf: "&#13;".utf8)
            case 0x09 where inAttribute: bytes.append(contentsOf: "&#9;".utf8)
            case 0x09, 0x0A: bytes.append(byte)
            case 0x00..<0x20, 0x7F: bytes.append(contentsOf: [0xEF, 0xBF, 0xBD])
            default: bytes.append(byte)
            }
        }
    }
}
