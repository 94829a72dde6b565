import Foundation
import JUnit
import Model
import Store
import Testing

/// `testfleet ingest junit|lint` and `run --junit` through the real binary and a real SQLite file.
/// The JUnit samples are hand-written in the shapes each producer writes (not captured files).
@Suite struct IngestCommandTests {
    let directory = Testfleet.temporaryDirectory()

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
    }

    func json(_ run: Testfleet.Finished) throws -> [String: Int] {
        let line = try #require(run.stdout.split(separator: "\n").last)
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Int])
    }

    func results(_ build: String) throws -> [String: [Outcome]] {
        var byTest: [String: [Outcome]] = [:]
        for result in try Store(path: directory + "/d.db").results(build: build) { byTest[result.test, default: []].append(result.outcome) }
        return byTest
    }

    static let pytest = """
        <?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="1" failures="1" skipped="2" tests="6" time="0.5">\
        <testcase classname="tests.test_a" name="test_ok" time="0.001"/>\
        <testcase classname="tests.test_a" name="test_fail" time="0.002"><failure message="assert 1 == 2">def test_fail():
        &gt;       assert 1 == 2</failure></testcase>\
        <testcase classname="tests.test_a" name="test_fixture" time="0.0"><error message="failed on setup with &quot;boom&quot;">E boom</error></testcase>\
        <testcase classname="tests.test_a" name="test_skip" time="0.0"><skipped type="pytest.skip" message="no">skip</skipped></testcase>\
        <testcase classname="tests.test_a" name="test_xfail" time="0.0"><skipped type="pytest.xfail" message="known"/></testcase>\
        <testcase classname="tests.test_a" name="test_param[ä b-1]" time="0.003"><system-out>hello</system-out></testcase>\
        </testsuite></testsuites>
        """

    @Test func everyDialectIsRecordedWithErrorsCountedAsFailed() throws {
        try write("pytest.xml", Self.pytest)
        try write("surefire.xml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="com.example.CalcTest" time="1.2" tests="3" errors="0" skipped="0" failures="1">
              <properties><property name="java.version" value="21"/></properties>
              <testcase name="adds" classname="com.example.CalcTest" time="0.01"/>
              <testcase name="flaky" classname="com.example.CalcTest" time="0.2">
                <flakyFailure message="timeout" type="java.util.concurrent.TimeoutException"><stackTrace>at Calc</stackTrace></flakyFailure>
                <flakyError message="npe" type="java.lang.NullPointerException"><stackTrace>at Calc</stackTrace></flakyError>
              </testcase>
              <testcase name="broken" classname="com.example.CalcTest" time="0.3">
                <failure message="expected 3" type="org.opentest4j.AssertionFailedError">at CalcTest.broken</failure>
                <rerunFailure message="expected 3" type="org.opentest4j.AssertionFailedError"><stackTrace>at x</stackTrace></rerunFailure>
              </testcase>
            </testsuite>
            """)
        try write("jest.xml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="jest tests" tests="2" failures="1" errors="0" time="0.9">
              <testsuite name="sum" errors="0" failures="1" skipped="0" timestamp="2026-11-27T00:00:00" time="0.5" tests="2">
                <testcase classname="sum adds 1 + 2" name="sum adds 1 + 2" time="0.002" file="src/sum.test.js"></testcase>
                <testcase classname="sum rejects strings" name="sum rejects strings" time="0.003" file="src/sum.test.js">
                  <failure>Error: expect(received).toThrow()
                at Object.&lt;anonymous&gt; (src/sum.test.js:9:5)</failure>
                </testcase>
              </testsuite>
            </testsuites>
            """)
        try write("go.xml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites tests="3" failures="1">
            \t<testsuite name="example.com/m/pkg" tests="3" failures="1" errors="0" id="0" hostname="ci" time="0.010" timestamp="2026-11-27T00:00:00Z">
            \t\t<properties><property name="go.version" value="go1.19.8"></property></properties>
            \t\t<testcase name="TestA" classname="pkg" time="0.000"></testcase>
            \t\t<testcase name="TestB" classname="pkg" time="0.001"><failure message="Failed" type="">x_test.go:9: nope</failure></testcase>
            \t\t<testcase name="TestC" classname="pkg"><skipped message="x_test.go:12: later"></skipped></testcase>
            \t</testsuite>
            </testsuites>
            """)
        try write("nested.xml", """
            <testsuites><testsuite name="outer"><testsuite name="inner">
              <testcase classname="n.Inner" name="deep"/>
              <testcase classname="n.Inner" name="deeper"><error/></testcase>
            </testsuite></testsuite></testsuites>
            """)
        let expected: [String: [String: Int]] = [
            "pytest.xml": ["testcases": 6, "passed": 2, "failed": 2, "skipped": 2],
            "surefire.xml": ["testcases": 3, "passed": 2, "failed": 1, "skipped": 0],
            "jest.xml": ["testcases": 2, "passed": 1, "failed": 1, "skipped": 0],
            "go.xml": ["testcases": 3, "passed": 1, "failed": 1, "skipped": 1],
            "nested.xml": ["testcases": 2, "passed": 1, "failed": 1, "skipped": 0],
        ]
        for (file, counts) in expected {
            let run = try Testfleet.run(["ingest", "junit", file, "--commit", "abc", "--build", file, "--db", "d.db", "--json"],
                                        in: directory)
            #expect(run.code == 0, "\(file): \(run.stderr)")
            #expect(try json(run) == counts, "\(file)")
        }
        // Surefire reruns are earlier attempts; an <error> is never a pass.
        let surefire = try results("surefire.xml")
        #expect(surefire["com.example.CalcTest::flaky"] == [.failed, .error, .passed])
        #expect(surefire["com.example.CalcTest::broken"] == [.failed, .failed])
        #expect(try results("pytest.xml")["tests.test_a::test_fixture"] == [.error])
        #expect(try results("pytest.xml")["tests.test_a::test_param[ä b-1]"] == [.passed])
        #expect(try results("go.xml")["pkg::TestC"] == [.skipped])
        let store = try Store(path: directory + "/d.db")
        let build = try #require(try store.build("surefire.xml"))
        #expect(build.source == "ingest" && build.isFinished && build.verdict == "fail" && build.spec.commit == "abc")
    }

    @Test func filesOfTheSameBuildAreLaterAttempts() throws {
        try write("first.xml", Self.pytest)
        try write("rerun.xml", """
            <testsuite name="pytest"><testcase classname="tests.test_a" name="test_fail" time="0.002"/>\
            <testcase classname="tests.test_a" name="test_fixture" time="0.1"/></testsuite>
            """)
        var run = try Testfleet.run(["ingest", "junit", "first.xml", "--commit", "c", "--build", "ci-7", "--db", "d.db",
                                     "--arch", "aarch64", "--worker", "ci-runner-3"], in: directory)
        #expect(run.code == 0, "\(run.stderr)")
        #expect(run.stdout.contains("6 test cases") && run.stdout.contains("FAIL"))
        run = try Testfleet.run(["ingest", "junit", "rerun.xml", "--commit", "c", "--build", "ci-7", "--db", "d.db"], in: directory)
        #expect(run.code == 0, "\(run.stderr)")
        #expect(run.stdout.contains("PASS"), "the retried failures passed: \(run.stdout)")
        let byTest = try results("ci-7")
        #expect(byTest["tests.test_a::test_fail"] == [.failed, .passed])
        #expect(byTest["tests.test_a::test_fixture"] == [.error, .passed])
        #expect(byTest["tests.test_a::test_ok"] == [.passed])
        let stored = try Store(path: directory + "/d.db").results(build: "ci-7")
        #expect(stored.first { $0.test == "tests.test_a::test_ok" }.map { [$0.arch, $0.worker] } == ["aarch64", "ci-runner-3"])
        let build = try #require(try Store(path: directory + "/d.db").build("ci-7"))
        #expect(build.testCount == 6 && build.verdict == "pass")
    }

    @Test func aMalformedFileRejectsTheWholeCallAndNamesFileAndLine() throws {
        try write("good.xml", Self.pytest)
        try write("bad.xml", "<testsuite name=\"x\">\n  <testcase name=\"a\">\n    <failure>oops</testcase>\n</testsuite>\n")
        try write("truncated.xml", "<testsuites>\n<testsuite>\n<testcase name=\"a\"/>\n")
        let run = try Testfleet.run(["ingest", "junit", "good.xml", "bad.xml", "truncated.xml", "--commit", "c", "--build", "b",
                                     "--db", "d.db"], in: directory)
        #expect(run.code == 2)
        #expect(run.stderr.contains("bad.xml:3:"), "\(run.stderr)")
        #expect(run.stderr.contains("truncated.xml:"), "\(run.stderr)")
        #expect(run.stderr.contains("nothing was recorded"))
        let store = try Store(path: directory + "/d.db")
        #expect(try store.build("b") == nil, "no build row")
        #expect(try store.resultCount(build: "b") == 0, "not even the good file")
        let usage = try Testfleet.run(["ingest", "junit", "good.xml", "--db", "d.db"], in: directory)
        #expect(usage.code == 2 && usage.stderr.contains("--commit"))
    }

    @Test func lintFindingsAreCountedPerCode() throws {
        try write("flake8.txt", """
            src/app.py:3:1: F401 'os' imported but unused
            src/app.py:10:80: E501 line too long (91 > 79 characters)
            src/db.py:7:80: E501 line too long (85 > 79 characters)
            src/db.py:1: [C0114(missing-module-docstring), ] Missing module docstring
            Found 4 errors.
            """)
        let run = try Testfleet.run(["ingest", "lint", "--tool", "flake8", "flake8.txt", "--commit", "c1", "--db", "d.db"],
                                    in: directory)
        #expect(run.code == 0, "\(run.stderr)")
        #expect(run.stdout.contains("recorded 4 flake8 violation(s)"))
        #expect(run.stdout.contains("E501: 2") && run.stdout.contains("F401: 1") && run.stdout.contains("C0114: 1"))
        try write("ruff.json", """
            [{"code": "F401", "message": "`os` imported but unused", "filename": "/r/a.py", "location": {"row": 1, "column": 8}},
             {"code": "I001", "message": "Import block is un-sorted", "filename": "/r/b.py", "location": {"row": 2, "column": 1}}]
            """)
        let ruff = try Testfleet.run(["ingest", "lint", "--tool", "ruff", "ruff.json", "--build", "b9", "--db", "d.db"], in: directory)
        #expect(ruff.code == 0, "\(ruff.stderr)")
        #expect(ruff.stdout.contains("F401: 1") && ruff.stdout.contains("I001: 1"))
        let store = try Store(path: directory + "/d.db")
        #expect(try store.lintCounts(build: nil, commit: "c1").map(\.code) == ["E501", "C0114", "F401"])
        try write("junk.txt", "this is not a lint report\n")
        let junk = try Testfleet.run(["ingest", "lint", "--tool", "x", "junk.txt", "--db", "d.db"], in: directory)
        #expect(junk.code == 2)
    }

    @Test func runWritesJUnitThatParsesBackWithEveryAttempt() throws {
        let run = try Testfleet.run(["run", "--local", "2", "--suite", "sim:300,fail=0.02,flaky=0.1,seed=3,ms=0", "--db", "d.db",
                                     "--build", "j", "--junit", "out.xml", "--quiet"], in: directory)
        #expect(run.code == 1, "\(run.stderr)")
        let cases = try JUnitParser.parse(contentsOf: directory + "/out.xml")
        let stored = try Store(path: directory + "/d.db").results(build: "j")
        #expect(cases.count == 300)
        var byTest: [String: [Outcome]] = [:]
        for result in stored { byTest[result.test, default: []].append(result.outcome) }
        // Every attempt is in the file, in order; a test that passed on retry has its failures,
        // then one pass (confirmation runs go out together: a run can fail after the one that
        // passed, or pass too).
        for testCase in cases {
            var expected = try #require(byTest[testCase.name])
            if expected.contains(where: \.isFailure), expected.contains(.passed) {
                expected = expected.filter { $0 != .passed } + [.passed]
            }
            #expect(testCase.earlierAttempts + [testCase.outcome] == expected, "\(testCase.name)")
        }
        #expect(cases.contains { !$0.earlierAttempts.isEmpty && $0.outcome == .passed }, "a flaky test's reruns")
        #expect(cases.allSatisfy { $0.suite.contains("SIMULATED") })
        // And ingesting the file back gives the same counts.
        let back = try Testfleet.run(["ingest", "junit", "out.xml", "--commit", "c", "--build", "back", "--db", "d.db", "--json"],
                                     in: directory)
        #expect(back.code == 0, "\(back.stderr)")
        let failed = cases.filter { $0.outcome.isFailure }.count
        #expect(try json(back) == ["testcases": 300, "passed": 300 - failed, "failed": failed, "skipped": 0])
        #expect(try Store(path: directory + "/d.db").resultCount(build: "back") == cases.reduce(0) { $0 + $1.attempts })
    }

    @Test func finishedBuildsFeedTheTimingHistory() throws {
        for build in ["t1", "t2"] {
            let run = try Testfleet.run(["run", "--local", "2", "--suite", "sim:50,ms=2,seed=4", "--db", "d.db", "--build", build,
                                         "--quiet"], in: directory)
            #expect(run.code == 0, "\(run.stderr)")
        }
        let store = try Store(path: directory + "/d.db")
        let records = try store.timingRecords { test, arch, ewma, p90, samples in (test, arch, ewma, p90, samples) }
        #expect(records.count == 50)
        #expect(records.allSatisfy { $0.4 == 2 && $0.2 > 0 && $0.3 > 0 && $0.1 == .current }, "two builds, two samples each")
    }
}
