public import Foundation

/// Reads JUnit XML as the common producers write it: pytest, Maven Surefire (with its rerun and
/// flaky elements), jest-junit, go-junit-report, Gradle; `<testsuites>` or a bare `<testsuite>`
/// at the root, suites nested in suites, `time` missing, CDATA, entities, either quote style.
///
/// The file must be well-formed XML with a `<testsuites>` or `<testsuite>` root; anything else
/// throws a `JUnitParseError` naming the line and column, and no test case of that file is
/// returned (a caller records all of a file or none of it). Deliberately lenient in two ways
/// real files need: raw control characters in text (some producers write ANSI colour codes
/// unescaped) and the nameless `<testcase/>` pytest writes for an interrupted test (left out).
/// The `encoding` declaration is not consulted: text is read as UTF-8, bad bytes become U+FFFD.
public enum JUnitParser {
    /// Parses a file; errors carry the path. `outputCap` bounds each test case's `output` (the
    /// tail is kept), so one test that printed 100 MB into the file cannot blow up memory.
    public static func parse(contentsOf path: String, outputCap: Int = .max) throws(JUnitParseError) -> [JUnitTestCase] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw JUnitParseError(file: path, line: 0, column: 0, message: "cannot read the file: \(error.localizedDescription)")
        }
        do {
            return try parse(data, outputCap: outputCap)
        } catch {
            var located = error
            located.file = path
            throw located
        }
    }

    /// Parses a document held in memory.
    public static func parse(_ data: Data, outputCap: Int = .max) throws(JUnitParseError) -> [JUnitTestCase] {
        let result: Result<[JUnitTestCase], JUnitParseError> = data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            return Result { () throws(JUnitParseError) in try parse(bytes, outputCap: outputCap) }
        }
        return try result.get()
    }

    /// Parses a document's text.
    public static func parse(_ text: String, outputCap: Int = .max) throws(JUnitParseError) -> [JUnitTestCase] {
        var text = text
        let result: Result<[JUnitTestCase], JUnitParseError> = text.withUTF8 { bytes in
            Result { () throws(JUnitParseError) in try parse(bytes, outputCap: outputCap) }
        }
        return try result.get()
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, outputCap: Int = .max) throws(JUnitParseError) -> [JUnitTestCase] {
        var scanner = XMLScanner(bytes: bytes)
        var state = JUnitDocumentState(outputCap: outputCap)
        while true {
            switch try scanner.next() {
            case .start(let name, let selfClosing):
                try state.open(name, scanner: scanner)
                if selfClosing { try state.close(name, scanner: scanner) }
            case .end(let name):
                try state.close(name, scanner: scanner)
            case .text(let range, let entities):
                try state.text(range, entities: entities, scanner: scanner)
            case .cdata(let range):
                state.cdata(range, scanner: scanner)
            case .endOfInput:
                return try state.finish(scanner: scanner)
            }
        }
    }
}
