import Foundation
import Store

/// Reads lint/import-checker reports for `testfleet ingest lint`. Formats:
///
/// - text, one finding per line: `path:line[:col]: CODE message` or `path:line: CODE message`
///   (flake8's default, `ruff check --output-format concise`, pylint `--output-format=parseable`,
///   and any tool that prints compiler-style lines). CODE is the first word when it looks like a
///   rule id (`E501`, `F401`, `C0301`); ruff's `[*]` fixable marker is dropped.
/// - compiler-style lines with a severity (`error:`, `warning:`) and the rule at the end: mypy's
///   `path:line[:col[:endline:endcol]]: error: message  [code]` and SwiftLint's
///   `path:line:col: warning: Rule Violation: message (rule_id)`. mypy's `note:` lines belong to
///   the finding before them and are not findings.
/// - import-linter's report (`lint-imports`): "Contracts: N kept, M broken." and a section per
///   broken contract; each import chain is one finding (`LintReportParser+ImportLinter.swift`).
/// - ruff's JSON (`--output-format json`): an array of `{code, message, filename, location: {row, column}}`.
///
/// For the tools whose whole output is known (mypy, SwiftLint, import-linter) a line that is
/// neither a finding nor one of the tool's own progress or summary lines makes the report
/// malformed (exit 2, naming the line). For other tools such lines are counted as skipped.
enum LintReportParser {
    struct Parsed {
        var violations: [LintViolation] = []
        /// Non-empty lines that were not findings.
        var skippedLines = 0
    }

    struct BadReport: Error, CustomStringConvertible {
        var description: String
    }

    /// Tools whose output is known line by line: anything else in their report is malformed.
    enum StrictTool: String {
        case mypy, swiftlint
    }

    static func parse(_ text: String, tool: String = "") throws(BadReport) -> Parsed {
        let trimmed = text.drop { $0.isWhitespace }
        if trimmed.first == "[" { return try parseRuffJSON(Data(text.utf8)) }
        let toolName = tool.lowercased()
        if ImportLinterReport.isReport(text) || toolName == "import-linter" || toolName == "lint-imports" {
            return try ImportLinterReport.parse(text)
        }
        let strict = StrictTool(rawValue: toolName)
        var parsed = Parsed()
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            if line.allSatisfy(\.isWhitespace) { continue }
            if let finding = parseFinding(line) {
                switch finding {
                case .violation(let violation): parsed.violations.append(violation)
                case .note: parsed.skippedLines += 1
                }
            } else if let strict, !isKnownNoise(line, of: strict) {
                throw BadReport(description: "line \(index + 1) is not a \(strict.rawValue) finding or summary: '\(line.prefix(200))'")
            } else {
                parsed.skippedLines += 1
            }
        }
        return parsed
    }

    enum Finding {
        case violation(LintViolation)
        /// mypy's `note:` line: more about the finding before it.
        case note
    }

    /// One compiler-style line: `path:line[:col[:endline:endcol]]: [severity:] rest`.
    static func parseFinding(_ line: Substring) -> Finding? {
        guard let violation = parseLine(line) else { return nil }
        var rest = Substring(violation.message)
        var severity: Substring?
        for word in ["error:", "warning:", "note:"] where rest.hasPrefix(word) {
            severity = word.dropLast()
            rest = rest.dropFirst(word.count).drop { $0 == " " }
        }
        guard let severity else { return .violation(violation) }
        if severity == "note" { return .note }
        var finding = violation
        finding.message = String(rest)
        // mypy: `message  [code]`.
        if rest.hasSuffix("]"), let open = rest.lastIndex(of: "["), rest[..<open].hasSuffix("  ") {
            let code = rest[rest.index(after: open)..<rest.index(before: rest.endIndex)]
            if isRuleName(code) {
                finding.code = String(code)
                finding.message = rest[..<open].trimmingCharacters(in: .whitespaces)
            }
        } else if rest.hasSuffix(")"), let open = rest.lastIndex(of: "("), rest[..<open].hasSuffix(" ") {
            // SwiftLint: `Rule Name Violation: message (rule_id)`.
            let code = rest[rest.index(after: open)..<rest.index(before: rest.endIndex)]
            if isRuleName(code) && code.contains(where: { $0 == "_" || $0.isLowercase }) && !code.contains(" ") {
                finding.code = String(code)
                finding.message = rest[..<open].trimmingCharacters(in: .whitespaces)
            }
        }
        if finding.code.isEmpty {
            let (code, message) = splitCode(finding.message)
            finding.code = code
            finding.message = message
        }
        return .violation(finding)
    }

    /// `return-value`, `import-not-found`, `line_length`: lowercase words with `-` or `_`.
    static func isRuleName(_ word: Substring) -> Bool {
        !word.isEmpty && word.count <= 64 && word.first!.isLetter
            && word.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" || $0 == "_" }
    }

    /// The progress and summary lines mypy and SwiftLint print beside their findings.
    static func isKnownNoise(_ line: Substring, of tool: StrictTool) -> Bool {
        let text = line.trimmingCharacters(in: .whitespaces)
        switch tool {
        case .mypy:
            return text.hasPrefix("Found ") && text.contains(" error") || text.hasPrefix("Success: no issues found")
                || text.hasPrefix("mypy: ") || text.hasPrefix("(checked ")
        case .swiftlint:
            return text.hasPrefix("Linting ") || text.hasPrefix("Done linting!") || text.hasPrefix("Loading configuration")
                || text.hasPrefix("Found ") && text.contains("violation")
        }
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
            // mypy --show-error-end: `:endline:endcol` after the column.
            if column > 0 {
                var e = k, seen = 0
                while seen < 2 {
                    var f = e
                    while f < chars.count, digit(chars[f]) != nil { f += 1 }
                    guard f > e, f < chars.count, chars[f] == UInt8(ascii: ":") else { break }
                    e = f + 1
                    seen += 1
                }
                if seen == 2 { k = e }
            }
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
