import Foundation
import Model
import Testing
@testable import JUnit

@Suite struct JUnitParserTests {
    func byName(_ xml: String) throws -> [String: JUnitTestCase] {
        let cases = try JUnitParser.parse(xml)
        #expect(Set(cases.map(\.name)).count == cases.count, "names are unique in these samples")
        return Dictionary(uniqueKeysWithValues: cases.map { ($0.name, $0) })
    }

    @Test func pytest() throws {
        let cases = try byName(JUnitSamples.pytest)
        #expect(cases.count == 7)
        #expect(cases["tests.test_collection_error"]?.outcome == .error)
        #expect(cases["tests.test_collection_error"]?.message == "collection failure")
        #expect(cases["tests.test_collection_error"]?.output.contains("in <module>") == true)
        #expect(cases["tests.test_outcomes::test_passes"]?.outcome == .passed)
        #expect(cases["tests.test_outcomes::test_passes"]?.duration == 0.001)
        let fails = try #require(cases["tests.test_outcomes::test_fails"])
        #expect(fails.outcome == .failed)
        #expect(fails.message == "AssertionError: arithmetic is broken\nassert (1 + 1) == 3")
        #expect(fails.output.contains(">       assert 1 + 1 == 3"))
        #expect(fails.output.contains("output of a failing test"))
        #expect(fails.classname == "tests.test_outcomes" && fails.testName == "test_fails" && fails.suite == "pytest")
        #expect(cases["tests.test_outcomes::test_error_in_fixture"]?.outcome == .error)
        #expect(cases["tests.test_outcomes::test_error_in_fixture"]?.message?.contains("\"RuntimeError") == true)
        #expect(cases["tests.test_outcomes::test_skipped_by_marker"]?.outcome == .skipped)
        #expect(cases["tests.test_outcomes::test_expected_failure"]?.outcome == .xfailed)
        #expect(cases["tests.test_params::test_x[ä b-1]"]?.outcome == .passed)
    }

    @Test func surefireWithRerunsAndFlakes() throws {
        let cases = try byName(JUnitSamples.surefire)
        #expect(cases.count == 5)
        let flaky = try #require(cases["com.example.CalculatorTest::flakyNetworkCall"])
        #expect(flaky.outcome == .passed)
        #expect(flaky.earlierAttempts == [.failed])
        #expect(flaky.attempts == 2)
        #expect(flaky.output.isEmpty, "the flaky attempt's own output is not the final output")
        let rerun = try #require(cases["com.example.CalculatorTest::dividesByZero"])
        #expect(rerun.outcome == .failed)
        #expect(rerun.earlierAttempts == [.failed, .error])
        #expect(rerun.attempts == 3)
        #expect(rerun.message == "expected: <0> but was: <1>")
        #expect(rerun.output.hasPrefix("org.opentest4j.AssertionFailedError: expected: <0> but was: <1>\n"))
        #expect(rerun.output.contains("dividing 1 by 0"))
        #expect(!rerun.output.contains("rerun 1"))
        let error = try #require(cases["com.example.CalculatorTest::opensDatabase"])
        #expect(error.outcome == .error)
        #expect(error.output.contains("WARN pool exhausted"))
        #expect(cases["com.example.CalculatorTest::notYet"]?.outcome == .skipped)
        #expect(cases["com.example.CalculatorTest::notYet"]?.message == "@Disabled: not implemented")
        #expect(cases["com.example.CalculatorTest::addsNumbers"]?.duration == 0.012)
    }

    @Test func jestJUnit() throws {
        let cases = try byName(JUnitSamples.jest)
        #expect(cases.count == 3)
        #expect(cases["Cart adds an item::Cart adds an item"]?.outcome == .passed)
        let failing = try #require(cases["Cart computes the total::Cart computes the total"])
        #expect(failing.outcome == .failed)
        #expect(failing.message == "Error: expect(received).toBe(expected) // Object.is equality")
        #expect(failing.output.contains("at Object.<anonymous>"))
        #expect(failing.suite == "Cart")
        #expect(cases["Cart applies coupons::Cart applies coupons"]?.outcome == .skipped)
    }

    @Test func goJUnitReport() throws {
        let cases = try byName(JUnitSamples.goJUnitReport)
        #expect(cases.count == 4)
        #expect(cases["example.com/calc::TestAdd"]?.outcome == .passed)
        #expect(cases["example.com/calc::TestDivide/by_zero"]?.outcome == .failed)
        #expect(cases["example.com/calc::TestDivide/by_zero"]?.output == "    calc_test.go:31: got 1, want 0")
        #expect(cases["example.com/calc::TestSlow"]?.outcome == .skipped)
        #expect(cases["example.com/calc/internal::TestParse"]?.suite == "example.com/calc/internal")
        #expect(cases["example.com/calc/internal::TestParse"]?.duration == 0.002)
    }

    @Test func nestedSuitesMissingTimeQuotesAndEntities() throws {
        let cases = try JUnitParser.parse(JUnitSamples.nested)
        #expect(cases.map(\.name) == ["a.B::café & té", "bare", "a.C::quote's \"x\""])
        #expect(cases.map(\.suite) == ["inner", "inner", "outer"])
        #expect(cases.map(\.duration) == [0, 0, 0])
        #expect(cases.map(\.outcome) == [.passed, .error, .passed])
        #expect(cases[1].message == "boom")
        #expect(cases[2].output == "line <1>\r\n")
    }

    @Test func errorIsNeverAPassEvenNextToASkip() throws {
        let xml = "<testsuite><testcase name='t'><skipped/><error message='teardown'/></testcase></testsuite>"
        #expect(try JUnitParser.parse(xml).first?.outcome == .error)
    }

    @Test func leavesOutTheNamelessTestcasePytestWritesWhenInterrupted() throws {
        // pytest 9.0.3 after SIGINT during test_hangs.
        let xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><testsuites name=\"pytest tests\"><testsuite name=\"pytest\" "
            + "errors=\"0\" failures=\"0\" skipped=\"0\" tests=\"1\" time=\"3.026\"><testcase classname=\"test_hang\" "
            + "name=\"test_ok\" time=\"0.000\" /><testcase time=\"0.000\" /></testsuite></testsuites>"
        #expect(try JUnitParser.parse(xml).map(\.name) == ["test_hang::test_ok"])
    }

    @Test func emptySuitesAndByteOrderMark() throws {
        #expect(try JUnitParser.parse("\u{FEFF}<testsuites/>").isEmpty)
        #expect(try JUnitParser.parse("<testsuite name='x' tests='0'></testsuite>\n").isEmpty)
    }

    @Test func parsesAFileAndNamesItInErrors() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("junit-\(UUID().uuidString).xml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(JUnitSamples.goJUnitReport.utf8).write(to: URL(fileURLWithPath: path))
        #expect(try JUnitParser.parse(contentsOf: path).count == 4)
        try Data("<testsuite>\n<testcase name='a'>\n</testsuite>".utf8).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: JUnitParseError.self) { try JUnitParser.parse(contentsOf: path) }
        #expect(error.file == path)
        #expect(error.line == 3)
        #expect(error.description.hasPrefix("\(path):3:"))
    }
}

@Suite struct JUnitOutputCapTests {
    @Test func keepsTheTailOfHugeOutputAndCountsTheRest() throws {
        let line = String(repeating: "x", count: 99) + "\n"
        let body = String(repeating: line, count: 20_000) + "LAST LINE &amp; done"
        let xml = "<testsuite><testcase name='noisy'><failure message='m'>\(body)</failure>"
            + "<system-out><![CDATA[\(body)]]></system-out></testcase><testcase name='quiet'/></testsuite>"
        let cases = try JUnitParser.parse(xml, outputCap: 4096)
        #expect(cases.count == 2)
        let noisy = cases[0]
        #expect(noisy.output.utf8.count == 4096)
        #expect(noisy.output.hasSuffix("LAST LINE &amp; done"), "CDATA text is not decoded")
        let total = (2_000_000 + "LAST LINE & done".utf8.count) + (2_000_000 + "LAST LINE &amp; done".utf8.count) + 1
        #expect(noisy.outputDropped + noisy.output.utf8.count == total)
        #expect(cases[1].output.isEmpty && cases[1].outputDropped == 0)
    }
}
