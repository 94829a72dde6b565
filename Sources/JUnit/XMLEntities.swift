/// XML's five predefined entities and numeric character references.
enum XMLEntities {
    /// The character `&name;` stands for, given the bytes between `&` and `;`; nil when it is
    /// not a predefined entity or a valid character reference.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ name: Range<Int>) -> Unicode.Scalar? {
        let count = name.count
        guard count >= 2 else { return nil }
        let first = bytes[name.lowerBound]
        if first == UInt8(ascii: "#") {
            var value: UInt32 = 0
            var index = name.lowerBound + 1
            let hex = bytes[index] == UInt8(ascii: "x")
            if hex { index += 1 }
            guard index < name.upperBound else { return nil }
            while index < name.upperBound {
                let byte = bytes[index]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: return nil
                }
                value = value * (hex ? 16 : 10) + digit
                guard value <= 0x10FFFF else { return nil }
                index += 1
            }
            // XML 1.0 allows tab, newline, carriage return and everything from space up.
            guard value == 0x9 || value == 0xA || value == 0xD || value >= 0x20 else { return nil }
            return Unicode.Scalar(value)
        }
        switch count {
        case 2:
            if first == UInt8(ascii: "l") && bytes[name.lowerBound + 1] == UInt8(ascii: "t") { return "<" }
            if first == UInt8(ascii: "g") && bytes[name.lowerBound + 1] == UInt8(ascii: "t") { return ">" }
        case 3:
            if matches(bytes, name, "amp") { return "&" }
        case 4:
            if matches(bytes, name, "quot") { return "\"" }
            if matches(bytes, name, "apos") { return "'" }
        default: break
        }
        return nil
    }

    private static func matches(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ word: StaticString) -> Bool {
        guard range.count == word.utf8CodeUnitCount else { return false }
        for index in 0..<range.count where bytes[range.lowerBound + index] != word.utf8Start[index] { return false }
        return true
    }

    /// Appends the bytes of `range` to `output` with every (already checked) reference decoded.
    static func appendDecoded(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, to output: inout [UInt8]) {
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: range.count))
        let written = output.withUnsafeMutableBufferPointer { buffer in
            decode(bytes, range, into: UnsafeMutableBufferPointer(rebasing: buffer[start...]))
        }
        output.removeLast(range.count - written)
    }

    /// Decodes `range` into `target` (at least `range.count` bytes: a reference is never shorter
    /// than its UTF-8); returns the bytes written.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into target: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var written = 0
        var cursor = range.lowerBound
        while cursor < range.upperBound {
            let byte = bytes[cursor]
            guard byte == UInt8(ascii: "&") else {
                target[written] = byte
                written += 1
                cursor += 1
                continue
            }
            var semicolon = cursor + 1
            while semicolon < range.upperBound && bytes[semicolon] != UInt8(ascii: ";") { semicolon += 1 }
            if let scalar = decode(bytes, (cursor + 1)..<semicolon) {
                for unit in UTF8.encode(scalar)! {
                    target[written] = unit
                    written += 1
                }
            }
            cursor = semicolon + 1
        }
        return written
    }

    /// `range` as a string, references decoded when `entities` says there are any.
    static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, entities: Bool) -> String {
        guard entities else { return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        // Decoding only shrinks, so one allocation of the raw size suffices.
        return String(unsafeUninitializedCapacity: range.count) { decode(bytes, range, into: $0) }
    }
}
