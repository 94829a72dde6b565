public import Foundation
import Model

/// Writes a JUnit XML document (`testfleet run --junit FILE`) in the shape CI systems read:
/// `<testsuites>` → one `<testsuite>` per suite (first-seen order) → `<testcase name classname
/// time>` with `<failure>`, `<error>` or `<skipped>`, the output in `<system-out>`, and counts
/// (`tests failures errors skipped time`) on every suite and on the root.
///
/// Outcomes: `.xfailed` is written as `<skipped type="pytest.xfail">` (as pytest does), `.xpassed`
/// as a pass. Earlier failed attempts become Surefire's `<flakyFailure>`/`<flakyError>` when the
/// test passed in the end, `<rerunFailure>`/`<rerunError>` when it did not — readers that do not
/// know them ignore them, and `JUnitParser` reads them back as attempts.
public enum JUnitWriter {
    /// The document for `cases`. `name` goes on the root; `timestamp` (ISO 8601) on each suite.
    public static func document(_ cases: [JUnitTestCase], name: String = "testfleet", timestamp: Date? = nil) -> String {
        var suiteOrder: [String] = []
        var bySuite: [String: [JUnitTestCase]] = [:]
        for testCase in cases {
            if bySuite[testCase.suite] == nil { suiteOrder.append(testCase.suite) }
            bySuite[testCase.suite, default: []].append(testCase)
        }
        let stamp = timestamp.map { ISO8601DateFormatter().string(from: $0) }
        var xml = XMLText()
        xml.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        xml.raw("<testsuites")
        xml.attribute("name", name)
        xml.counts(Counts(cases))
        xml.raw(">\n")
        for suite in suiteOrder {
            let members = bySuite[suite]!
            xml.raw("  <testsuite")
            xml.attribute("name", suite.isEmpty ? name : suite)
            xml.counts(Counts(members))
            if let stamp { xml.attribute("timestamp", stamp) }
            xml.raw(">\n")
            for testCase in members { write(testCase, to: &xml) }
            xml.raw("  </testsuite>\n")
        }
        xml.raw("</testsuites>\n")
        return xml.string
    }

    /// Writes `document(cases, …)` to `path` atomically.
    public static func write(_ cases: [JUnitTestCase], to path: String, name: String = "testfleet",
                             timestamp: Date? = Date()) throws {
        try Data(document(cases, name: name, timestamp: timestamp).utf8)
            .write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    private static func write(_ testCase: JUnitTestCase, to xml: inout XMLText) {
        xml.raw("    <testcase")
        xml.attribute("name", testCase.testName)
        xml.attribute("classname", testCase.classname)
        xml.attribute("time", seconds(testCase.duration))
        if let file = testCase.file { xml.attribute("file", file) }
        var body = false
        func open() {
            if !body { xml.raw(">\n") }
            body = true
        }
        let message = testCase.message
        switch testCase.outcome {
        case .failed, .error:
            open()
            let element = testCase.outcome == .failed ? "failure" : "error"
            xml.raw("      <\(element)")
            xml.attribute("message", message ?? (testCase.outcome == .failed ? "failed" : "error"))
            xml.attribute("type", element)
            xml.raw(">")
            xml.text(testCase.output)
            xml.raw("</\(element)>\n")
        case .skipped, .xfailed:
            open()
            xml.raw("      <skipped")
            if testCase.outcome == .xfailed { xml.attribute("type", "pytest.xfail") }
            xml.attribute("message", message ?? (testCase.outcome == .xfailed ? "expected failure" : "skipped"))
            xml.raw("/>\n")
        case .passed, .xpassed:
            break
        }
        let finalFailed = testCase.outcome.isFailure
        for (index, earlier) in testCase.earlierAttempts.enumerated() {
            open()
            let element = switch (finalFailed, earlier == .error) {
            case (true, false): "rerunFailure"
            case (true, true): "rerunError"
            case (false, false): "flakyFailure"
            case (false, true): "flakyError"
            }
            xml.raw("      <\(element)")
            xml.attribute("message", "attempt \(index + 1) of \(testCase.attempts): \(earlier.rawValue)")
            xml.attribute("type", earlier.rawValue)
            xml.raw("/>\n")
        }
        if !testCase.output.isEmpty && !finalFailed {
            open()
            xml.raw("      <system-out>")
            xml.text(testCase.output)
            xml.raw("</system-out>\n")
        }
        xml.raw(body ? "    </testcase>\n" : "/>\n")
    }

    /// Seconds with millisecond precision, e.g. `0.042`.
    static func seconds(_ value: Double) -> String {
        let millis = Int((max(0, value.isFinite ? value : 0) * 1000).rounded())
        let fraction = String(millis % 1000)
        return "\(millis / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    struct Counts {
        var tests = 0, failures = 0, errors = 0, skipped = 0
        var time = 0.0
        init(_ cases: [JUnitTestCase]) {
            for testCase in cases {
                tests += 1
                time += testCase.duration
                switch testCase.outcome {
                case .failed: failures += 1
                case .error: errors += 1
                case .skipped, .xfailed: skipped += 1
                case .passed, .xpassed: break
                }
            }
        }
    }
}
