/// What a failing pytest test's output names as the failure's cause: the exception's type.
///
/// Used to tell a break from a failure unlike the others in a suite's first build
/// (`BuildState.sharesCause`): there no test has a record, and hundreds of tests failing
/// alike (pydash 8.0.4 under today's mypy: 380 `NameError`s; typer 0.12.5 under today's click:
/// 210 `DeprecationWarning`s and 40 `AssertionError`s) stand beside a timing test that failed
/// under load with a cause of its own. The type alone, not its message: typer's assertion
/// failures each quote other text, yet all come from one break.
///
/// Read from pytest's report as the worker sends it (`PytestWarmPlugin`: each failed report's
/// long representation, then the captured sections): the last line before the first captured
/// section that is pytest's crash line (`path:line: TypeName`) or an `E` line naming an
/// exception (`E   TypeName: message`, as a setup error or a collection error ends). A type
/// name starts with a capital letter (Python's convention for exception classes), which keeps
/// out the prose of other frameworks' `file:line: message` lines. Nil when no such line is there
/// (output cut to its tail, another framework's format): the failure is then its own cause.
enum FailureCause {
    /// Past this many bytes from the end the output is not read: a report's crash line closes its
    /// traceback, and captured sections after it are skipped, not parsed.
    static let scannedBytes = 64 * 1024

    static func of(output: [UInt8]) -> String? {
        let start = max(0, output.count - scannedBytes)
        var cause: String?
        var lineStart = start
        // Skip a partial first line when the scan starts mid-output.
        if start > 0 {
            guard let newline = output[start...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            lineStart = newline + 1
        }
        while lineStart < output.count {
            let lineEnd = output[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? output.count
            let line = output[lineStart..<lineEnd]
            if isSectionHeader(line) { break }
            if let named = crashLineType(line) ?? errorLineType(line) { cause = named }
            lineStart = lineEnd + 1
        }
        return cause
    }

    /// `----------------------------- Captured stdout call -----------------------------`.
    private static func isSectionHeader(_ line: ArraySlice<UInt8>) -> Bool {
        let dash = UInt8(ascii: "-")
        guard line.count > 10, line.prefix(5).allSatisfy({ $0 == dash }), line.suffix(5).allSatisfy({ $0 == dash }) else {
            return false
        }
        return line.contains(UInt8(ascii: " "))
    }

    /// `tests/test_x.py:12: AssertionError`: a path without spaces, a line number, one type name.
    private static func crashLineType(_ line: ArraySlice<UInt8>) -> String? {
        guard let space = line.firstIndex(of: UInt8(ascii: " ")), space > line.startIndex,
              line[space - 1] == UInt8(ascii: ":") else { return nil }
        let place = line[line.startIndex..<(space - 1)]
        guard let colon = place.lastIndex(of: UInt8(ascii: ":")), colon > place.startIndex,
              place.index(after: colon) < place.endIndex,
              place[place.index(after: colon)...].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        let name = line[(space + 1)...]
        return isTypeName(name) ? String(decoding: name, as: UTF8.self) : nil
    }

    /// `E   ModuleNotFoundError: No module named 'invoke'`, `E   DeprecationWarning: …`.
    private static func errorLineType(_ line: ArraySlice<UInt8>) -> String? {
        guard line.first == UInt8(ascii: "E"), line.count > 2, line[line.startIndex + 1] == UInt8(ascii: " ") else { return nil }
        let text = line[(line.startIndex + 1)...].drop { $0 == UInt8(ascii: " ") }
        let name = text.prefix { $0 != UInt8(ascii: ":") }
        guard isTypeName(name) else { return nil }
        return String(decoding: name, as: UTF8.self)
    }

    /// `NameError`, `click.exceptions.UsageError`: dotted identifiers whose last part starts
    /// with a capital letter.
    private static func isTypeName(_ name: ArraySlice<UInt8>) -> Bool {
        guard !name.isEmpty, name.count <= 200 else { return false }
        let last = name.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).last ?? []
        guard let first = last.first, first >= UInt8(ascii: "A"), first <= UInt8(ascii: "Z") else { return false }
        return name.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
                || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
        }
    }
}
