import Foundation
import JUnit
import Model
import Testing

@testable import Adapters

/// The swift adapter's pure parts, on output captured from Swift 6.3.1 on this machine (the
/// fixture package plus nested suites, a raw identifier and a crashing XCTest case).
@Suite struct SwiftTestNamesTests {
    /// `swift test list` stdout, with build chatter mixed in as it is when stderr shares the file.
    static let listOutput = """
        [0/1] Planning build
        Building for debugging...
        [2/4] Emitting module ArithmeticPackageDiscoveredTests
        Build complete! (0.30s)
        ArithmeticTests.AdditionXCTests/testAddsSmallNumbers
        ArithmeticTests.AdditionXCTests/testDeliberateFailure
        ArithmeticTests.AdditionXCTests/testSkipped
        ArithmeticTests.CrashX/testA
        ArithmeticTests.DoublingTests/deliberateFailure()
        ArithmeticTests.DoublingTests/doublingIsAddingToItself(value:)
        ArithmeticTests.Outer/Inner/inner()
        ArithmeticTests.Outer/`raw name here`()
        ArithmeticTests.additionIsCommutative()
        ArithmeticTests.additionIsCommutative()

        """

    @Test func listKeepsTestNamesInOrderAndDropsBuildLines() {
        #expect(SwiftTestNames.parseList(Self.listOutput) == [
            "ArithmeticTests.AdditionXCTests/testAddsSmallNumbers",
            "ArithmeticTests.AdditionXCTests/testDeliberateFailure",
            "ArithmeticTests.AdditionXCTests/testSkipped",
            "ArithmeticTests.CrashX/testA",
            "ArithmeticTests.DoublingTests/deliberateFailure()",
            "ArithmeticTests.DoublingTests/doublingIsAddingToItself(value:)",
            "ArithmeticTests.Outer/Inner/inner()",
            "ArithmeticTests.Outer/`raw name here`()",
            "ArithmeticTests.additionIsCommutative()",
        ])
    }

    @Test func kindsAndKeys() {
        #expect(!SwiftTestNames.isSwiftTesting("M.C/testA"))
        #expect(SwiftTestNames.isSwiftTesting("M.S/f(x:)"))
        #expect(SwiftTestNames.xctestConsoleKey(of: "ArithmeticTests.CrashX/testA") == "CrashX.testA")
        #expect(SwiftTestNames.xctestConsoleKey(of: "M.S/f()") == nil)
        #expect(SwiftTestNames.swiftTestingKey(of: "ArithmeticTests.Outer/Inner/inner()") == "ArithmeticTests.Outer.Inner.inner()")
        #expect(SwiftTestNames.swiftTestingKey(of: "ArithmeticTests.additionIsCommutative()") == "ArithmeticTests.additionIsCommutative()")
        #expect(!SwiftTestNames.isTestName("Build complete! (0.30s)"))
        #expect(!SwiftTestNames.isTestName("M.C/test with space"))
    }

    @Test func filterGroupsByClassEscapesAndAllowsTheSourceLocationTail() throws {
        let regex = SwiftTestNames.filterRegex(for: [
            "ArithmeticTests.AdditionXCTests/testSkipped", "ArithmeticTests.AdditionXCTests/testAddsSmallNumbers",
            "ArithmeticTests.DoublingTests/doublingIsAddingToItself(value:)", "ArithmeticTests.additionIsCommutative()",
        ])
        #expect(regex == #"^(ArithmeticTests\.AdditionXCTests/(testSkipped|testAddsSmallNumbers)|ArithmeticTests\.DoublingTests/doublingIsAddingToItself\(value:\)|ArithmeticTests\.additionIsCommutative\(\))(/|$)"#)
        // What SwiftPM matches it against: XCTest names as listed, Swift Testing IDs with a location.
        let compiled = try Regex(regex)
        #expect("ArithmeticTests.AdditionXCTests/testSkipped".contains(compiled))
        #expect(!"ArithmeticTests.AdditionXCTests/testSkippedToo".contains(compiled))
        #expect("ArithmeticTests.DoublingTests/doublingIsAddingToItself(value:)/DoublingTests.swift:14:6".contains(compiled))
        #expect("ArithmeticTests.additionIsCommutative()/DoublingTests.swift:21:2".contains(compiled))
        #expect(!"ArithmeticTests.DoublingTests".contains(compiled))
        #expect(!"OtherTests.AdditionXCTests/testSkipped".contains(compiled))
    }

    @Test func hugeBatchesSplitIntoBoundedRegexes() {
        let names = (0..<5000).map { "Module.Class/testNumber\($0)WithALongishName" }
        let chunks = SwiftTestNames.chunks(of: names, maxRegexLength: 60_000)
        #expect(chunks.count > 1)
        #expect(chunks.flatMap { $0 } == names)
        for chunk in chunks { #expect(SwiftTestNames.filterRegex(for: chunk).utf8.count < 70_000) }
    }

    @Test func sameClassNameInTwoModulesRunsPerModule() {
        let names = ["A.Shared/testX", "B.Shared/testX", "A.Other/testY", "B.S/f()"]
        #expect(SwiftTestAdapter.runGroups(names) == [["A.Shared/testX", "A.Other/testY"], ["B.Shared/testX", "B.S/f()"]])
        #expect(SwiftTestAdapter.runGroups(["A.C/testX", "B.D/testX"]) == [["A.C/testX", "B.D/testX"]])
    }

    @Test func swiftTestingFileSitsNextToTheRequestedOne() {
        #expect(SwiftTestAdapter.swiftTestingXUnitPath(for: "/tmp/x/xunit-1.xml") == "/tmp/x/xunit-1-swift-testing.xml")
    }

    /// XCTest console of a run where `CrashX.testCrash` hit `fatalError`, then Swift Testing ran.
    static let crashConsole = """
        Test Suite 'All tests' started at 2026-11-26 23:35:49.858
        Test Suite 'debug.xctest' started at 2026-11-26 23:35:49.860
        Test Suite 'AdditionXCTests' started at 2026-11-26 23:35:49.860
        Test Case 'AdditionXCTests.testAddsSmallNumbers' started at 2026-11-26 23:35:49.860
        Test Case 'AdditionXCTests.testAddsSmallNumbers' passed (0.001 seconds)
        Test Case 'AdditionXCTests.testDeliberateFailure' started at 2026-11-26 23:35:49.861
        /tmp/lockprobe/Tests/ArithmeticTests/AdditionXCTests.swift:11: error: AdditionXCTests.testDeliberateFailure : XCTAssertEqual failed: ("4") is not equal to ("5") - this fixture test fails on purpose
        Test Case 'AdditionXCTests.testDeliberateFailure' failed (0.101 seconds)
        Test Case 'AdditionXCTests.testSkipped' started at 2026-11-26 23:35:49.961
        /tmp/lockprobe/Tests/ArithmeticTests/AdditionXCTests.swift:15: AdditionXCTests.testSkipped : Test skipped - skipped on purpose by the fixture
        Test Case 'AdditionXCTests.testSkipped' skipped (0.0 seconds)
        Test Suite 'AdditionXCTests' failed at 2026-11-26 23:35:49.962
        \t Executed 3 tests, with 1 test skipped and 1 failure (0 unexpected) in 0.102 (0.102) seconds
        Test Suite 'CrashX' started at 2026-11-26 23:35:49.962
        Test Case 'CrashX.testA' started at 2026-11-26 23:35:49.962
        Test Case 'CrashX.testA' passed (0.0 seconds)
        Test Case 'CrashX.testCrash' started at 2026-11-26 23:35:49.962
        ArithmeticTests/Nested.swift:5: Fatal error: boom

        *** Program crashed: Illegal instruction at 0x00007fa4cb2f9361 ***
        ◇ Test run started.
        ↳ Testing Library Version: 6.3.1 (937120cbc281cf2)
        ✔ Test additionIsCommutative() passed after 0.001 seconds.
        """

    @Test func xctestConsoleGivesOutcomesDurationsAndTheCrashedTest() throws {
        var console = SwiftXCTestConsole(outputCap: 4096)
        for line in Self.crashConsole.split(separator: "\n", omittingEmptySubsequences: false) { console.feed(line) }
        #expect(console.records["AdditionXCTests.testAddsSmallNumbers"]?.outcome == .passed)
        #expect(console.records["AdditionXCTests.testAddsSmallNumbers"]?.duration == 0.001)
        #expect(console.records["AdditionXCTests.testDeliberateFailure"]?.outcome == .failed)
        #expect(console.records["AdditionXCTests.testDeliberateFailure"]?.duration == 0.101)
        #expect(console.records["AdditionXCTests.testSkipped"]?.outcome == .skipped)
        #expect(console.records["CrashX.testA"]?.outcome == .passed)
        // Started, never ended: the crash output is its output, Swift Testing's lines are not.
        let crashed = try #require(console.records["CrashX.testCrash"])
        #expect(crashed.outcome == nil)
        let output = String(decoding: crashed.output.bytes, as: UTF8.self)
        #expect(output.contains("Fatal error: boom"))
        #expect(!output.contains("additionIsCommutative"))
        #expect(console.records["CrashX.testZ"] == nil)
        #expect(!console.finished)
        let failure = String(decoding: console.records["AdditionXCTests.testDeliberateFailure"]?.output.bytes ?? [], as: UTF8.self)
        #expect(failure.contains("XCTAssertEqual failed"))

        // Places: one process, positions in `started` order; the test that never started has none.
        let keys = ["AdditionXCTests.testAddsSmallNumbers", "AdditionXCTests.testDeliberateFailure", "AdditionXCTests.testSkipped",
                    "CrashX.testA", "CrashX.testCrash"]
        let places = keys.compactMap { console.place(of: $0) }
        #expect(places.count == keys.count && Set(places.map(\.process)) == [console.process])
        #expect(places.map(\.position) == places.map(\.position).sorted() && Set(places.map(\.position)).count == keys.count)
        #expect(console.place(of: "CrashX.testZ") == nil)
    }

    @Test func xctestConsoleSeesTheEndOfARun() {
        var console = SwiftXCTestConsole(outputCap: 1024)
        console.feed("Test Suite 'Selected tests' started at 2026-11-26 23:33:32.193")
        console.feed("Test Suite 'Selected tests' passed at 2026-11-26 23:33:32.196")
        #expect(console.finished)
    }

    /// Swift Testing's `-swift-testing.xml` from the fixture run (skip, failure, nested suite).
    static let swiftTestingXUnit = """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites>
          <testsuite name="TestResults" errors="0" tests="6" failures="1" skipped="1" time="0.001198006">
            <testcase classname="ArithmeticTests.DoublingTests" name="doublingIsAddingToItself(value:)" time="0.000558132" />
            <testcase classname="ArithmeticTests.DoublingTests" name="deliberateFailure()" time="0.000648437" >
              <failure message="Expectation failed: (double(2) &#8594; 4) == 5 (error): this fixture test fails on purpose" />
            </testcase>
            <testcase classname="ArithmeticTests" name="disabledOnPurpose()" >
              <skipped>skipped on purpose by the fixture</skipped>
            </testcase>
            <testcase classname="ArithmeticTests.Outer.Inner" name="inner()" time="0.000313878" />
          </testsuite>
        </testsuites>
        """

    @Test func swiftTestingXUnitMapsToListedNames() throws {
        let cases = try JUnitParser.parse(Self.swiftTestingXUnit)
        #expect(cases.count == 4)
        let byKey = Dictionary(uniqueKeysWithValues: cases.map { (SwiftTestAdapter.swiftTestingKey(of: $0), $0) })
        let failed = try #require(byKey[SwiftTestNames.swiftTestingKey(of: "ArithmeticTests.DoublingTests/deliberateFailure()")])
        let result = SwiftTestAdapter.result("ArithmeticTests.DoublingTests/deliberateFailure()", failed, cap: 1024)
        #expect(result.outcome == .failed)
        #expect(String(decoding: result.output, as: UTF8.self).contains("(double(2) → 4) == 5"))
        let skipped = try #require(byKey[SwiftTestNames.swiftTestingKey(of: "ArithmeticTests.disabledOnPurpose()")])
        #expect(SwiftTestAdapter.result("x", skipped, cap: 1024).outcome == .skipped)
        let nested = try #require(byKey[SwiftTestNames.swiftTestingKey(of: "ArithmeticTests.Outer/Inner/inner()")])
        #expect(SwiftTestAdapter.result("x", nested, cap: 1024).outcome == .passed)
        #expect(nested.duration == 0.000313878)
    }

    /// A Swift Testing process that crashes leaves its streamed xUnit file cut off; the adapter
    /// relies on that being an error (then it reruns the tests one per process), never a pass.
    @Test func aCutOffXUnitFileIsAnError() {
        let cut = String(Self.swiftTestingXUnit.prefix(while: { $0 != "/" }) + "/>\n")
        #expect(throws: JUnitParseError.self) { try JUnitParser.parse(cut) }
        #expect(throws: JUnitParseError.self) { try JUnitParser.parse("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n") }
    }
}
