import Model

/// Reads the console lines swift-corelibs-xctest prints on Linux, one line at a time:
///
///     Test Case 'AdditionXCTests.testAddsSmallNumbers' started at 2026-11-26 23:33:17.977
///     /path/AdditionXCTests.swift:11: error: AdditionXCTests.testDeliberateFailure : XCTAssertEqual failed …
///     Test Case 'AdditionXCTests.testAddsSmallNumbers' passed (0.001 seconds)
///
/// The console is the only complete XCTest record on Linux: `--xunit-output` writes an XCTest
/// file only with `--parallel` (one process per test), and that file reports an `XCTSkip` as a
/// pass. XCTest runs its tests one after another, so the lines between a test's `started` and
/// its end line are that test's output.
struct SwiftXCTestConsole: Sendable {
    /// What the console said about one test (keyed by XCTest's `Class.test`).
    struct Record: Sendable {
        /// Nil while the test has started but not ended (it crashed or was killed).
        var outcome: Outcome?
        var duration: Double
        var output: OutputTail
        /// Its place among the tests this XCTest process started, in run order.
        var position: Int? = nil
    }

    /// The XCTest process's identity (`RunPlace.process`): one `swift test` run runs its XCTest
    /// tests one after another in one process, so their `started` order is the process's order.
    /// (Swift Testing runs tests in parallel: its results carry no place.)
    let process = RunPlace.newProcess()
    private var started = 0

    private(set) var records: [String: Record] = [:]
    /// Where the test with console key `key` ran (nil: it never started).
    func place(of key: String) -> RunPlace? {
        records[key]?.position.map { RunPlace(process: process, position: $0) }
    }

    /// The test whose output the next lines are.
    private(set) var current: String?
    /// XCTest printed its closing `Test Suite 'All tests' passed|failed` line: it was not cut short.
    private(set) var finished = false
    private let outputCap: Int

    init(outputCap: Int) {
        self.outputCap = outputCap
    }

    /// Feeds one line (without its newline).
    mutating func feed(_ line: Substring) {
        if line.hasPrefix("Test Case '"), let (key, rest) = Self.quoted(line.dropFirst("Test Case '".count)) {
            if rest.hasPrefix(" started") {
                current = key
                var record = Record(outcome: nil, duration: 0, output: OutputTail(capacity: outputCap), position: started)
                started += 1
                record.output.append(Array(line.utf8) + [10])
                records[key] = record
                return
            }
            if let (outcome, duration) = Self.ending(rest), records[key] != nil {
                records[key]?.outcome = outcome
                records[key]?.duration = duration
                records[key]?.output.append(Array(line.utf8) + [10])
                if current == key { current = nil }
                return
            }
        }
        // The end of the XCTest run, or Swift Testing taking over after a crash: later lines
        // belong to no XCTest test.
        if Self.isRunSuiteLine(line) {
            if Self.isEndOfRun(line) { finished = true }
            current = nil
            return
        }
        if line.hasPrefix("◇ Test run started") {
            current = nil
            return
        }
        if let current { records[current]?.output.append(Array(line.utf8) + [10]) }
    }

    /// A line of the suite that holds the whole run: `Test Suite 'All tests' …` or `'Selected tests' …`.
    private static func isRunSuiteLine(_ line: Substring) -> Bool {
        line.hasPrefix("Test Suite 'All tests'") || line.hasPrefix("Test Suite 'Selected tests'")
    }

    /// XCTest's closing `Test Suite 'All tests' passed at …` (or `'Selected tests' failed at …`).
    static let isEndOfRun: @Sendable (Substring) -> Bool = { line in
        isRunSuiteLine(line) && (line.contains("' passed at ") || line.contains("' failed at "))
    }

    /// `Class.test' rest…` → (`Class.test`, ` rest…`).
    private static func quoted(_ text: Substring) -> (String, Substring)? {
        guard let quote = text.firstIndex(of: "'") else { return nil }
        return (String(text[..<quote]), text[text.index(after: quote)...])
    }

    /// ` passed (0.001 seconds)` → (.passed, 0.001).
    private static func ending(_ rest: Substring) -> (Outcome, Double)? {
        let words: [(String, Outcome)] = [(" passed (", .passed), (" failed (", .failed), (" skipped (", .skipped)]
        for (word, outcome) in words where rest.hasPrefix(word) {
            let number = rest.dropFirst(word.count).prefix { $0.isNumber || $0 == "." }
            return (outcome, Double(number) ?? 0)
        }
        return nil
    }
}
