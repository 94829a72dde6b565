import Model
import Testing

@testable import Adapters

/// The go adapter's pure parts, on output captured from go 1.19.8 (Debian's golang-go) on the
/// fixture module and on a module with a build failure and a panicking test.
@Suite struct GoTestEventStreamTests {
    /// `go test -json ./...` on Tests/Fixtures/go, trimmed to one package plus the subtests.
    static let fixtureEvents = """
        {"Time":"2026-11-26T23:35:17.097319317Z","Action":"run","Package":"example.com/fixture/mathx","Test":"TestAdd"}
        {"Time":"2026-11-26T23:35:17.097412426Z","Action":"output","Package":"example.com/fixture/mathx","Test":"TestAdd","Output":"=== RUN   TestAdd\\n"}
        {"Time":"2026-11-26T23:35:17.09746903Z","Action":"output","Package":"example.com/fixture/mathx","Test":"TestAdd","Output":"--- PASS: TestAdd (0.00s)\\n"}
        {"Time":"2026-11-26T23:35:17.097479295Z","Action":"pass","Package":"example.com/fixture/mathx","Test":"TestAdd","Elapsed":0}
        {"Time":"2026-11-26T23:35:17.097484493Z","Action":"run","Package":"example.com/fixture/mathx","Test":"TestDeliberateFailure"}
        {"Time":"2026-11-26T23:35:17.097501498Z","Action":"output","Package":"example.com/fixture/mathx","Test":"TestDeliberateFailure","Output":"=== RUN   TestDeliberateFailure\\n"}
        {"Time":"2026-11-26T23:35:17.097510822Z","Action":"output","Package":"example.com/fixture/mathx","Test":"TestDeliberateFailure","Output":"    mathx_test.go:16: Add(2, 2) = 4, want 5 (deliberate)\\n"}
        {"Time":"2026-11-26T23:35:17.097513957Z","Action":"output","Package":"example.com/fixture/mathx","Test":"TestDeliberateFailure","Output":"--- FAIL: TestDeliberateFailure (0.00s)\\n"}
        {"Time":"2026-11-26T23:35:17.097517532Z","Action":"fail","Package":"example.com/fixture/mathx","Test":"TestDeliberateFailure","Elapsed":0.25}
        {"Time":"2026-11-26T23:35:17.097520166Z","Action":"run","Package":"example.com/fixture/mathx","Test":"TestSkipped"}
        {"Time":"2026-11-26T23:35:17.097524723Z","Action":"output","Package":"example.com/fixture/mathx","Test":"TestSkipped","Output":"    mathx_test.go:22: skipped on purpose by the fixture\\n"}
        {"Time":"2026-11-26T23:35:17.097530832Z","Action":"skip","Package":"example.com/fixture/mathx","Test":"TestSkipped","Elapsed":0}
        {"Time":"2026-11-26T23:35:17.097532825Z","Action":"run","Package":"example.com/fixture/mathx","Test":"TestTable"}
        {"Time":"2026-11-26T23:35:17.097538694Z","Action":"run","Package":"example.com/fixture/mathx","Test":"TestTable/zero"}
        {"Time":"2026-11-26T23:35:17.097540707Z","Action":"output","Package":"example.com/fixture/mathx","Test":"TestTable/zero","Output":"=== RUN   TestTable/zero\\n"}
        {"Time":"2026-11-26T23:35:17.097550532Z","Action":"output","Package":"example.com/fixture/mathx","Test":"TestTable/zero","Output":"    --- FAIL: TestTable/zero (0.00s)\\n"}
        {"Time":"2026-11-26T23:35:17.097552995Z","Action":"fail","Package":"example.com/fixture/mathx","Test":"TestTable/zero","Elapsed":0}
        {"Time":"2026-11-26T23:35:17.097557171Z","Action":"pass","Package":"example.com/fixture/mathx","Test":"TestTable/small","Elapsed":0}
        {"Time":"2026-11-26T23:35:17.097559214Z","Action":"fail","Package":"example.com/fixture/mathx","Test":"TestTable","Elapsed":0.5}
        {"Time":"2026-11-26T23:35:17.099488641Z","Action":"output","Package":"example.com/fixture/mathx","Output":"FAIL\\texample.com/fixture/mathx\\t0.004s\\n"}
        {"Time":"2026-11-26T23:35:17.099497274Z","Action":"fail","Package":"example.com/fixture/mathx","Elapsed":0.004}
        """

    static func feed(_ text: String, cap: Int = 4096) -> GoTestEventStream {
        var stream = GoTestEventStream(outputCap: cap)
        for line in text.split(separator: "\n") { stream.feed(line) }
        return stream
    }

    @Test func eventsBecomeOneRecordPerTopLevelTest() throws {
        let stream = Self.feed(Self.fixtureEvents)
        #expect(Set(stream.records.keys) == [
            "example.com/fixture/mathx.TestAdd", "example.com/fixture/mathx.TestDeliberateFailure",
            "example.com/fixture/mathx.TestSkipped", "example.com/fixture/mathx.TestTable",
        ])
        #expect(stream.records["example.com/fixture/mathx.TestAdd"]?.outcome == .passed)
        let failed = try #require(stream.records["example.com/fixture/mathx.TestDeliberateFailure"])
        #expect(failed.outcome == .failed)
        #expect(failed.elapsed == 0.25)
        #expect(String(decoding: failed.output.bytes, as: UTF8.self).contains("want 5 (deliberate)"))
        #expect(stream.records["example.com/fixture/mathx.TestSkipped"]?.outcome == .skipped)
        #expect(stream.packageOutcomes["example.com/fixture/mathx"] == .failed)
    }

    @Test func subtestsFoldIntoTheirParent() throws {
        let table = try #require(Self.feed(Self.fixtureEvents).records["example.com/fixture/mathx.TestTable"])
        // The parent's own verdict counts, not the last subtest's (`small` passed).
        #expect(table.outcome == .failed)
        #expect(table.elapsed == 0.5)
        #expect(String(decoding: table.output.bytes, as: UTF8.self).contains("--- FAIL: TestTable/zero"))
    }

    /// go 1.19: a panicking test fails, later tests never start, the binary exits.
    @Test func topLevelTestsArePlacedInRunOrderPerPackageProcess() throws {
        let stream = Self.feed(#"""
            {"Action":"run","Package":"p","Test":"TestFirst"}
            {"Action":"pass","Package":"p","Test":"TestFirst","Elapsed":0}
            {"Action":"run","Package":"p","Test":"TestParallel"}
            {"Action":"pause","Package":"p","Test":"TestParallel"}
            {"Action":"run","Package":"p","Test":"TestSerial"}
            {"Action":"run","Package":"p","Test":"TestSerial/sub"}
            {"Action":"pass","Package":"p","Test":"TestSerial/sub","Elapsed":0}
            {"Action":"pass","Package":"p","Test":"TestSerial","Elapsed":0}
            {"Action":"cont","Package":"p","Test":"TestParallel"}
            {"Action":"pass","Package":"p","Test":"TestParallel","Elapsed":0}
            {"Action":"run","Package":"q","Test":"TestOther"}
            {"Action":"pass","Package":"q","Test":"TestOther","Elapsed":0}
            """#)
        let first = try #require(stream.place(of: "p.TestFirst"))
        let serial = try #require(stream.place(of: "p.TestSerial"))
        let parallel = try #require(stream.place(of: "p.TestParallel"))
        #expect(first.process == serial.process && serial.process == parallel.process)
        // The subtest takes no place; the parallel test counts from where it resumed.
        #expect([first.position, serial.position, parallel.position] == [0, 2, 3])
        let other = try #require(stream.place(of: "q.TestOther"))
        #expect(other.process != first.process && other.position == 0)
        #expect(stream.place(of: "p.TestNeverRan") == nil)
    }

    @Test func aPanicLeavesLaterTestsWithoutRecords() {
        let stream = Self.feed("""
            {"Time":"2026-11-26T23:38:41.950993907Z","Action":"run","Package":"example.com/bad/q","Test":"TestP"}
            {"Time":"2026-11-26T23:38:41.951105724Z","Action":"output","Package":"example.com/bad/q","Test":"TestP","Output":"--- FAIL: TestP (0.00s)\\n"}
            {"Time":"2026-11-26T23:38:41.953375102Z","Action":"output","Package":"example.com/bad/q","Test":"TestP","Output":"panic: boom [recovered]\\n"}
            {"Time":"2026-11-26T23:38:41.953952297Z","Action":"fail","Package":"example.com/bad/q","Test":"TestP","Elapsed":0}
            {"Time":"2026-11-26T23:38:41.953970274Z","Action":"output","Package":"example.com/bad/q","Output":"FAIL\\texample.com/bad/q\\t0.013s\\n"}
            {"Time":"2026-11-26T23:38:41.953974921Z","Action":"fail","Package":"example.com/bad/q","Elapsed":0.013}
            """)
        #expect(stream.records["example.com/bad/q.TestP"]?.outcome == .failed)
        #expect(stream.records["example.com/bad/q.TestAfter"] == nil)
        let packageText = String(decoding: stream.packageOutput["example.com/bad/q"]?.bytes ?? [], as: UTF8.self)
        #expect(packageText.contains("FAIL\texample.com/bad/q"))
    }

    /// go 1.19 prints a build failure as plain text, with no events for the package.
    @Test func buildFailureTextIsKeptAsLooseOutput() {
        let stream = Self.feed("""
            # example.com/bad/p [example.com/bad/p.test]
            p/p_test.go:3:28: undefined: undefinedThing
            FAIL\texample.com/bad/p [build failed]
            """)
        #expect(stream.records.isEmpty)
        #expect(String(decoding: stream.looseOutput.bytes, as: UTF8.self).contains("undefined: undefinedThing"))
    }

    /// Go 1.24+ sends build errors as `build-output` events (shape from go's own
    /// src/cmd/go/testdata/script/test_json_build.txt; this machine has go 1.19).
    @Test func newerGoBuildOutputEventsAreKeptToo() {
        let stream = Self.feed(#"""
            {"ImportPath":"m/builderror [m/builderror.test]","Action":"build-output","Output":"# m/builderror [m/builderror.test]\n"}
            {"ImportPath":"m/builderror [m/builderror.test]","Action":"build-output","Output":"builderror/main_test.go:3:11: undefined: y\n"}
            {"ImportPath":"m/builderror [m/builderror.test]","Action":"build-fail"}
            {"Time":"2025-01-01T00:00:00Z","Action":"start","Package":"m/builderror"}
            {"Time":"2025-01-01T00:00:00Z","Action":"output","Package":"m/builderror","Output":"FAIL\tm/builderror [build failed]\n"}
            {"Time":"2025-01-01T00:00:00Z","Action":"fail","Package":"m/builderror","Elapsed":0,"FailedBuild":"m/builderror [m/builderror.test]"}
            """#)
        #expect(stream.records.isEmpty)
        #expect(String(decoding: stream.looseOutput.bytes, as: UTF8.self).contains("main_test.go:3:11: undefined: y"))
        #expect(stream.packageOutcomes["m/builderror"] == .failed)
    }

    @Test func startedButUnfinishedTestHasNoOutcome() {
        let stream = Self.feed(#"{"Action":"run","Package":"p","Test":"TestHang"}"#)
        #expect(stream.records["p.TestHang"] != nil)
        #expect(stream.records["p.TestHang"]?.outcome == nil)
    }

    /// `go test -list '.*' ./...` on a module with a broken package, examples, fuzz targets and
    /// benchmarks, plus the fixture's two packages.
    @Test func listQualifiesNamesAndSkipsBenchmarks() {
        let listed = GoTestEventStream.parseList("""
            FAIL\texample.com/bad/p [build failed]
            TestP
            TestAfter
            BenchmarkB
            FuzzF
            ExampleE
            ok  \texample.com/bad/q\t0.002s
            TestAdd
            ok  \tgopkg.in/yaml.v3\t0.001s
            ?   \texample.com/fixture\t[no test files]
            FAIL
            """)
        #expect(listed.names == [
            "example.com/bad/q.TestP", "example.com/bad/q.TestAfter", "example.com/bad/q.FuzzF",
            "example.com/bad/q.ExampleE", "gopkg.in/yaml.v3.TestAdd",
        ])
        #expect(listed.failedPackages == ["example.com/bad/p"])
    }

    @Test func namesSplitAtTheLastDot() {
        #expect(GoTestEventStream.split("gopkg.in/yaml.v3.TestAdd")! == ("gopkg.in/yaml.v3", "TestAdd"))
        #expect(GoTestEventStream.split("TestAdd") == nil)
        #expect(GoTestEventStream.split("example.com/x.Test/sub") == nil)
        #expect(GoTestEventStream.runRegex(for: ["TestA", "TestB"]) == "^(TestA|TestB)$")
    }
}

/// A parent whose parallel subtests took a second: go 1.19 reports its `Elapsed` as 0.01 s; the
/// record keeps the wall time between its `run` and its verdict, which is what a worker paid.
@Suite struct GoTestEventWallTimeTests {
    @Test func aTestTakesAtLeastTheWallTimeFromRunToVerdict() {
        var stream = GoTestEventStream(outputCap: 4096)
        stream.feed(#"{"Time":"2026-11-26T23:59:59.500000000Z","Action":"run","Package":"p","Test":"TestDiff"}"#)
        stream.feed(#"{"Time":"2026-11-27T00:00:00.700000000Z","Action":"run","Package":"p","Test":"TestDiff/a"}"#)
        stream.feed(#"{"Time":"2026-11-27T00:00:00.750000000Z","Action":"pass","Package":"p","Test":"TestDiff","Elapsed":0.01}"#)
        stream.feed(#"{"Action":"run","Package":"p","Test":"TestNoTime"}"#)
        stream.feed(#"{"Action":"pass","Package":"p","Test":"TestNoTime","Elapsed":0.3}"#)
        #expect(abs((stream.records["p.TestDiff"]?.elapsed ?? 0) - 1.25) < 1e-6, "across midnight")
        #expect(stream.records["p.TestNoTime"]?.elapsed == 0.3)
        #expect(GoTestEventStream.secondsIntoDay("2026-11-26T01:02:03.5+01:00") == 3723.5)
        #expect(GoTestEventStream.secondsIntoDay("nonsense") == nil)
    }
}
