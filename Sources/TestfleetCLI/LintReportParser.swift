import Foundation
import Store

/// Reads lint/import-checker reports for `testfleet ingest lint`. Two formats:
///
/// - text, one finding per line: `path:line:col: CODE message` or `path:line: CODE message`
///   (flake8's default, `ruff check --output-format concise`, pylint `--output-format=parseable`,
///   mypy, import-linter style checkers, and any tool that prints compiler-style lines). CODE is
///   the first word when it looks like a rule id (`E501`, `F401`, `C0301`, `import-cycle` in
///   brackets or not); ruff's `[*]` fixable marker is dropped. Lines that are not findings
///   (ruff's "Found 3 errors.", blank lines) are counted as skipped, not errors.
/// - ruff's JSON (`--output-format json`): an array of `{code, message, filename, location: {row, column}}`.
enum LintReportParser {
    struct Parsed {
        var violations: [LintViolation] = []
        /// Non-empty lines that were not findings.
        var skippedLines = 0
    }

    struct BadReport: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ text: String) throws(BadReport) -> Parsed {
        let trimmed = text.drop { $0.isWhitespace }
        if trimmed.first == "[" { return try parseRuffJSON(Data(text.utf8)) }
        var parsed = Parsed()
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            if let violation = parseLine(line) {
                parsed.violations.append(violation)
            } else if !line.allSatisfy(\.isWhitespace) {
                parsed.skippedLines += 1
            }
        }
        return parsed
    }

    /// `path:line[:col]: [CODE] message`. The path ends at the first `:DIGITS:` so paths with
    /// colons elsewhere (rare, but `C:\…`) still parse.
    static func parseLine(_ line: Substring) -> LintViolation? {
        let chars = Array(line.utf8)
        var i = 0
        while i < chars.count {
            guard chars[i] == UInt8(ascii: ":"), i > 0 else { i += 1; continue }
            var j = i + 1
            var lineNumber = 0
            while j < chars.count, let d = digit(chars[j]) { lineNumber = lineNumber * 10 + d; j += 1 }
            guard j > i + 1, j < chars.count, chars[j] == UInt8(ascii: ":") else { i += 1; continue }
            let path = String(decoding: chars[..<i], as: UTF8.self)
            var k = j + 1
            var column = 0
            var m = k
            while m < chars.count, let d = digit(chars[m]) { column = column * 10 + d; m += 1 }
            if m > k, m < chars.count, chars[m] == UInt8(ascii: ":") { k = m + 1 } else { column = 0 }
            let rest = String(decoding: chars[k...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            let (code, message) = splitCode(rest)
            return LintViolation(path: path, line: lineNumber, column: column, code: code, message: message)
        }
        return nil
    }

    /// The rule id at the front of a finding's text, if there is one.
    static func splitCode(_ text: String) -> (code: String, message: String) {
        var rest = Substring(text)
        var code = ""
        let first = rest.prefix { !$0.isWhitespace }
        var word = first
        if word.hasPrefix("[") { word = word.dropFirst() }
        if word.hasSuffix("]") { word = word.dropLast() }
        // pylint parseable: `[C0301(line-too-long), func] message`.
        if let paren = word.firstIndex(of: "(") { word = word[..<paren] }
        if word.hasSuffix(":") || word.hasSuffix(",") { word = word.dropLast() }
        if looksLikeCode(word) {
            code = String(word)
            rest = rest.dropFirst(first.count)
            if first.hasPrefix("["), !first.hasSuffix("]"), let close = rest.firstIndex(of: "]") {
                rest = rest[rest.index(after: close)...]
            }
        }
        var message = rest.trimmingCharacters(in: .whitespaces)
        if message.hasPrefix("[*] ") { message.removeFirst(4) }
        return (code, message)
    }

    /// `E501`, `F401`, `W0611`, `SIM108`, `RUF100`: letters then digits.
    static func looksLikeCode(_ word: Substring) -> Bool {
        let letters = word.prefix { $0.isASCII && $0.isUppercase }
        let digits = word.dropFirst(letters.count)
        return !letters.isEmpty && letters.count <= 5 && !digits.isEmpty && digits.count <= 5 && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    static func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }

    static func parseRuffJSON(_ data: Data) throws(BadReport) -> Parsed {
        guard let list = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] else {
            throw BadReport(description: "the report starts with '[' but is not a JSON array of findings (ruff --output-format json)")
        }
        var parsed = Parsed()
        for (index, item) in list.enumerated() {
            guard let path = item["filename"] as? String, let message = item["message"] as? String else {
                throw BadReport(description: "finding #\(index + 1) has no filename or message")
            }
            let location = item["location"] as? [String: Any]
            parsed.violations.append(LintViolation(
                path: path, line: location?["row"] as? Int ?? 0, column: location?["column"] as? Int ?? 0,
                code: item["code"] as? String ?? "", message: message))
        }
        return parsed
    }
}
