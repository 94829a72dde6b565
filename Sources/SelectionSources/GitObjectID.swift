/// A git object id (SHA-1's 40 hex digits or SHA-256's 64) held as numbers: a mono-repo's scan
/// cache and tree listing hold 28,000 of them, and as strings each was a heap allocation hashed
/// byte by byte through the Unicode-aware hasher.
struct GitObjectID: Hashable, Sendable, CustomStringConvertible {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    /// Number of hex digits.
    private var length: UInt8 = 0

    /// Parses lowercase or uppercase hex; nil for anything else or more than 64 digits.
    init?(hex bytes: UnsafeBufferPointer<UInt8>) {
        guard !bytes.isEmpty, bytes.count <= 64 else { return nil }
        var parsed: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var word: UInt64 = 0
        for position in 0..<bytes.count {
            let byte = bytes[position]
            let digit: UInt8
            if byte &- UInt8(ascii: "0") < 10 {
                digit = byte &- UInt8(ascii: "0")
            } else if (byte | 0x20) &- UInt8(ascii: "a") < 6 {
                digit = (byte | 0x20) &- UInt8(ascii: "a") &+ 10
            } else {
                return nil
            }
            word = word << 4 | UInt64(digit)
            if position % 16 == 15 || position == bytes.count - 1 {
                word <<= UInt64(4 * (15 - position % 16))  // a short last word is left-aligned
                switch position / 16 {
                case 0: parsed.0 = word
                case 1: parsed.1 = word
                case 2: parsed.2 = word
                default: parsed.3 = word
                }
                word = 0
            }
        }
        words = parsed
        length = UInt8(bytes.count)
    }

    init?(hex text: String) {
        var text = text
        guard let parsed = text.withUTF8({ GitObjectID(hex: $0) }) else { return nil }
        self = parsed
    }

    static func == (a: GitObjectID, b: GitObjectID) -> Bool {
        a.length == b.length && a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2
            && a.words.3 == b.words.3
    }

    func hash(into hasher: inout Hasher) {
        // The digits are already uniformly distributed: the first word identifies the object.
        hasher.combine(words.0)
        hasher.combine(words.1)
    }

    /// The id in lowercase hex, as git prints it.
    var description: String {
        let digits = Array("0123456789abcdef".utf8)
        let values = [words.0, words.1, words.2, words.3]
        var text: [UInt8] = []
        text.reserveCapacity(Int(length))
        for position in 0..<Int(length) {
            text.append(digits[Int((values[position / 16] >> UInt64(60 - 4 * (position % 16))) & 0xf)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
