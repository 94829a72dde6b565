import Foundation
import Model
import Testing
@testable import JUnit

@Suite struct JUnitWriterTests {
    let cases: [JUnitTestCase] = [
        JUnitTestCase(testfleetName: "tests/test_a.py::test_ok", suite: "unit", outcome: .passed, duration: 0.0125),
        JUnitTestCase(testfleetName: "tests/test_a.py::TestB::test_bad[x::y <&>]", suite: "unit", outcome: .failed,
                      duration: 1.5, earlierAttempts: [.failed], message: "assert 1 == 2",
                      output: "E  assert 1 == 2\n\u{1B}[31mred\u{1B}[0m \"quoted\" & <tag>\n"),
        JUnitTestCase(testfleetName: "tests/test_a.py::test_fixture", suite: "unit", outcome: .error, duration: 0),
        JUnitTestCase(testfleetName: "tests/test_a.py::test_skip", suite: "unit", outcome: .skipped, duration: 0, message: "no db"),
        JUnitTestCase(testfleetName: "tests/test_a.py::test_xfail", suite: "unit", outcome: .xfailed, duration: 0.2),
        JUnitTestCase(testfleetName: "tests/test_a.py::test_xpass", suite: "unit", outcome: .xpassed, duration: 0.2),
        JUnitTestCase(testfleetName: "sim::t000007", suite: "simulated", outcome: .passed, duration: 0,
                      earlierAttempts: [.failed, .error], output: "line1\nline2\ttabbed"),
        JUnitTestCase(testfleetName: "lint", suite: "simulated", outcome: .passed, duration: 3),
    ]

    @Test func splitsTestfleetNamesOutsideParameterIds() {
        #expect(JUnitTestCase.split("a/b.py::C::t[x::y]") == ("a/b.py::C", "t[x::y]"))
        #expect(JUnitTestCase.split("lint") == ("", "lint"))
        #expect(JUnitTestCase.split("sim::t000001") == ("sim", "t000001"))
    }

    @Test func roundTripsThroughTheParser() throws {
        let xml = JUnitWriter.document(cases, name: "testfleet build b1", timestamp: Date(timeIntervalSince1970: 0))
        let parsed = try JUnitParser.parse(xml)
        #expect(parsed.map(\.name) == cases.map(\.name))
        let expectedOutcomes = cases.map { $0.outcome == .xpassed ? Outcome.passed : $0.outcome }
        #expect(parsed.map(\.outcome) == expectedOutcomes)
        #expect(parsed.map(\.attempts) == cases.map(\.attempts))
        #expect(parsed.map(\.suite) == cases.map(\.suite))
        #expect(parsed[0].duration == 0.013 || parsed[0].duration == 0.012)
        #expect(parsed[1].message == "assert 1 == 2")
        #expect(parsed[1].output == "E  assert 1 == 2\n\u{FFFD}[31mred\u{FFFD}[0m \"quoted\" & <tag>\n")
        #expect(parsed[3].message == "no db")
        #expect(parsed[6].output == "line1\nline2\ttabbed")
    }

    @Test func hasTheSchemaShapeCIsExpect() throws {
        let xml = JUnitWriter.document(cases, timestamp: Date())
        let tree = try XMLTree(xml)
        #expect(tree.name == "testsuites")
        #expect(tree.attributes["tests"] == String(cases.count))
        var total = 0
        for suite in tree.children {
            #expect(suite.name == "testsuite")
            #expect(suite.attributes["name"]?.isEmpty == false)
            #expect(suite.attributes["timestamp"] != nil)
            let testcases = suite.children.filter { $0.name == "testcase" }
            #expect(testcases.count == suite.children.count, "a testsuite holds only testcases here")
            total += testcases.count
            #expect(suite.attributes["tests"] == String(testcases.count))
            func count(_ child: String) -> String { String(testcases.filter { $0.children.contains { $0.name == child } }.count) }
            #expect(suite.attributes["failures"] == count("failure"))
            #expect(suite.attributes["errors"] == count("error"))
            #expect(suite.attributes["skipped"] == count("skipped"))
            #expect(Double(suite.attributes["time"] ?? "") != nil)
            for testcase in testcases {
                #expect(testcase.attributes["name"]?.isEmpty == false)
                #expect(testcase.attributes["classname"] != nil)
                #expect(Double(testcase.attributes["time"] ?? "") != nil)
                for child in testcase.children {
                    #expect(["failure", "error", "skipped", "system-out", "flakyFailure", "flakyError",
                             "rerunFailure", "rerunError"].contains(child.name))
                }
            }
        }
        #expect(total == cases.count)
        #expect(tree.attributes["failures"] == "1" && tree.attributes["errors"] == "1" && tree.attributes["skipped"] == "2")
    }

    @Test func replacesCharactersXMLCannotCarry() throws {
        let nasty = "nul\u{0}bell\u{7}esc\u{1B}[0m nonchar\u{FFFE}\u{FFFF} ok\u{FFFD}é"
        let xml = JUnitWriter.document([JUnitTestCase(testfleetName: "t::x", outcome: .failed, duration: 0,
                                                      message: nasty, output: nasty)])
        _ = try XMLTree(xml)  // libxml2 accepts it
        let parsed = try #require(try JUnitParser.parse(xml).first)
        let expected = "nul\u{FFFD}bell\u{FFFD}esc\u{FFFD}[0m nonchar\u{FFFD}\u{FFFD} ok\u{FFFD}é"
        #expect(parsed.output == expected)
        #expect(parsed.message == expected)
    }

    @Test func writesAFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("junit-out-\(UUID().uuidString).xml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try JUnitWriter.write(cases, to: path)
        #expect(try JUnitParser.parse(contentsOf: path).count == cases.count)
    }
}

/// `classname` and `name` per adapter, as each framework's own JUnit output names them.
@Suite struct JUnitNamingTests {
    @Test func eachAdapterSplitsItsNamesLikeItsFramework() {
        func split(_ test: String, _ adapter: AdapterKind?, suite: String = "unit") -> [String] {
            let (classname, name) = JUnitNaming.split(test, adapter: adapter, suite: suite)
            return [classname, name]
        }
        #expect(split("tests/api/test_cart.py::TestTotal::test_sum[a::b-1]", .pytest) == ["tests.api.test_cart.TestTotal", "test_sum[a::b-1]"])
        #expect(split("test_top.py::test_x", .pytest) == ["test_top", "test_x"])
        #expect(split("CartTests.TotalTests/testSum", .swift) == ["CartTests.TotalTests", "testSum"])
        #expect(split("CartTests.Outer/Inner/sum(value:)", .swift) == ["CartTests.Outer.Inner", "sum(value:)"])
        #expect(split("CartTests.sum()", .swift) == ["CartTests", "sum()"])
        #expect(split("example.com/shop/cart.TestSum", .go) == ["example.com/shop/cart", "TestSum"])
        #expect(split("example.com/shop/v1.2/cart.ExampleTotal", .go) == ["example.com/shop/v1.2/cart", "ExampleTotal"])
        #expect(split("api-up", .shell, suite: "smoke") == ["smoke", "api-up"])
        #expect(split("sim::t000042", .simulated) == ["sim", "t000042"])
        #expect(split("com.example.CalcTest::adds", nil) == ["com.example.CalcTest", "adds"])
    }
}
