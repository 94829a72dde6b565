import Testing
@testable import JUnit

/// Malformed input throws, naming the line and column; nothing of the file comes back.
@Suite struct JUnitMalformedTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var xml: String
        var line: Int
        var column: Int?
        var mentions: String
        var testDescription: String { mentions }
    }

    static let cases: [Case] = [
        Case(xml: "<testsuites>\n  <testsuite name='a'>\n    <testcase name='t'>\n", line: 4, column: nil, mentions: "ends inside <testcase> opened at line 3"),
        Case(xml: "<testsuite>\n<testcase name='t'></testsuite>", line: 2, column: 20, mentions: "</testsuite> does not match <testcase> opened at line 2"),
        Case(xml: "<testsuite>\n<testcase name='a &bogus; b'/></testsuite>", line: 2, column: 19, mentions: "bad entity reference '&bogus;"),
        Case(xml: "<testsuite>\n\n<testcase name='t'><failure>x &# y</failure></testcase></testsuite>", line: 3, column: 31, mentions: "bad entity"),
        Case(xml: "<testsuite><testcase name='t'><failure>&#0;</failure></testcase></testsuite>", line: 1, column: 40, mentions: "bad entity"),
        Case(xml: "<testsuite><testcase name='t' time=1/></testsuite>", line: 1, column: 36, mentions: "must be quoted"),
        Case(xml: "<testsuite><testcase name='t' time='1/></testsuite>", line: 1, column: 36, mentions: "never closed"),
        Case(xml: "<testsuite><testcase name='a<b'/></testsuite>", line: 1, column: 29, mentions: "'<' is not allowed"),
        Case(xml: "<testsuite>\n<testcase name='t'/>\n</testsuite>\n<testsuite/>", line: 4, column: 1, mentions: "a second root element"),
        Case(xml: "<testsuite/>\ntrailing words", line: 2, column: 1, mentions: "text outside the root element"),
        Case(xml: "<html><body/></html>", line: 1, column: 1, mentions: "not a JUnit XML file"),
        Case(xml: "", line: 1, column: 1, mentions: "no root element"),
        Case(xml: "<testsuite><testcase name='t'><![CDATA[ never closed", line: 1, column: 31, mentions: "CDATA section is never closed"),
        Case(xml: "<testsuite><!-- never closed", line: 1, column: 12, mentions: "comment '<!--' is never closed"),
        Case(xml: "<testsuite>\n  <testcase name='t' time='0.1'", line: 2, column: 3, mentions: "ends inside the tag <testcase>"),
        Case(xml: "<testsuite><testcase name='x'><testcase name='y'/></testcase></testsuite>", line: 1, column: 31, mentions: "inside another <testcase>"),
        Case(xml: "<testsuite></testcase>", line: 1, column: 12, mentions: "does not match"),
        Case(xml: "<testsuite><testcase name='a'name='b'/></testsuite>", line: 1, column: 30, mentions: "expected a space"),
    ]

    @Test(arguments: cases)
    func throwsWithLineAndColumn(_ sample: Case) throws {
        let error = try #require(throws: JUnitParseError.self) { try JUnitParser.parse(sample.xml) }
        #expect(error.line == sample.line, "\(error)")
        if let column = sample.column { #expect(error.column == column, "\(error)") }
        #expect(error.message.contains(sample.mentions), "\(error)")
    }

    @Test func everyTruncationOfAValidFileIsAnError() throws {
        // Cutting the Surefire sample anywhere before its root closes must never yield results.
        let bytes = Array(JUnitSamples.surefire.utf8)
        let rootEnd = try #require(JUnitSamples.surefire.range(of: "</testsuite>")).lowerBound.utf16Offset(in: JUnitSamples.surefire)
        var checked = 0
        for cut in stride(from: 0, to: rootEnd, by: 7) {
            let prefix = String(decoding: bytes[..<cut], as: UTF8.self)
            #expect(throws: JUnitParseError.self, "cut at \(cut)") { try JUnitParser.parse(prefix) }
            checked += 1
        }
        #expect(checked > 100)
    }
}
