import Foundation
import Model
import Synchronization
import Testing

@testable import Adapters

/// Warm go (`GoTestAdapter.runWarm`): compiled test binaries from the worker's cache, on real
/// modules run by the real `go`. The cold path's promises hold: counts equal `go test`'s, a
/// panic's and a hang's following tests still run, a hang is killed at the suite's per-test
/// timeout, a package that does not build reports its build output.
@Suite struct GoWarmTests {
    final class Log: Sendable {
        let lines = Mutex<[String]>([])
        func callAsFunction(_ line: String) { lines.withLock { $0.append(line) } }
    }

    static func binaries(_ log: Log = Log()) -> (GoTestBinaries, String) {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("testfleet-gowarm-\(UUID().uuidString)").path
        return (GoTestBinaries(cacheDirectory: cache) { log($0) }, cache)
    }

    static func text(_ result: AdapterResult?) -> String { String(decoding: result?.output ?? [], as: UTF8.self) }

    static func compiled(under cache: String) -> [String] {
        let root = cache + "/go-tests"
        let walk = FileManager.default.enumerator(atPath: root)
        var found: [String] = []
        while let path = walk?.nextObject() as? String {
            if path.hasSuffix(".test") { found.append(root + "/" + path) }
        }
        return found.sorted()
    }

    @Test func fixtureThroughCompiledBinariesCountsAsGoTestAndCompilesOnce() throws {
        let suite = GoTestAdapterTests.fixtureSuite
        let adapter = GoTestAdapter()
        let names = try adapter.inventory(of: suite)
        let (binaries, cache) = Self.binaries()
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let warm = SwiftFixtureFiles.collect {
            adapter.runWarm(names, of: suite, code: nil, build: "b1", binaries: binaries, report: $0)
        }
        let cold = SwiftFixtureFiles.collect { adapter.run(names, of: suite, attempt: 1, report: $0) }
        #expect(warm.map(\.name).sorted() == names.sorted(), "every requested test exactly once")
        let outcomes = { (results: [AdapterResult]) in Dictionary(uniqueKeysWithValues: results.map { ($0.name, $0.outcome) }) }
        #expect(outcomes(warm) == outcomes(cold))
        #expect(SwiftFixtureFiles.counts(warm) == [.passed: 4, .failed: 1, .skipped: 1])
        let table = try #require(warm.first { $0.name == "example.com/fixture/mathx.TestTable" })
        #expect(String(decoding: table.output, as: UTF8.self).contains("--- PASS: TestTable/small"), "subtests are part of the parent")

        let built = Self.compiled(under: cache)
        #expect(built.count == 2, "one binary per package: \(built)")
        let stamps = try built.map { try FileManager.default.attributesOfItem(atPath: $0)[.modificationDate] as? Date }
        // A later build of the same code (a new GoTestBinaries: a new worker process) reuses them.
        let again = GoTestBinaries(cacheDirectory: cache) { _ in }
        let second = SwiftFixtureFiles.collect {
            adapter.runWarm(["example.com/fixture/strs.TestAdd"], of: suite, code: nil, build: "b2", binaries: again, report: $0)
        }
        #expect(second.map(\.outcome) == [.passed])
        #expect(Self.compiled(under: cache) == built)
        #expect(try built.map { try FileManager.default.attributesOfItem(atPath: $0)[.modificationDate] as? Date } == stamps,
                "not compiled again")
    }

    @Test func anEditMakesANewBinary() throws {
        let dir = try GoTestAdapterTests.makeModule([
            "p/p_test.go": "package p\n\nimport \"testing\"\n\nfunc TestV(t *testing.T) { t.Log(\"version one\") }\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let suite = SuiteDefinition(name: "edit", adapter: .go, directory: dir, timeout: 30)
        let (binaries, cache) = Self.binaries()
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let first = SwiftFixtureFiles.collect {
            GoTestAdapter().runWarm(["example.com/bad/p.TestV"], of: suite, code: nil, build: "b1", binaries: binaries, report: $0)
        }
        #expect(Self.text(first.first).contains("version one"))
        try "package p\n\nimport \"testing\"\n\nfunc TestV(t *testing.T) { t.Log(\"version two!\") }\n"
            .write(toFile: dir + "/p/p_test.go", atomically: true, encoding: .utf8)
        let second = SwiftFixtureFiles.collect {
            GoTestAdapter().runWarm(["example.com/bad/p.TestV"], of: suite, code: nil, build: "b2", binaries: binaries, report: $0)
        }
        #expect(Self.text(second.first).contains("version two!"))
        #expect(Self.compiled(under: cache).count == 2, "both kept (the newest two per package)")
    }

    @Test func buildFailurePanicAndHangAreReportedAndTheRestOfTheGrantRuns() throws {
        let dir = try GoTestAdapterTests.makeModule(GoTestAdapterTests.badModule)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let suite = SuiteDefinition(name: "bad", adapter: .go, directory: dir, timeout: 2)
        let names = [
            "example.com/bad/p.TestX", "example.com/bad/q.TestA", "example.com/bad/q.TestPanics",
            "example.com/bad/q.TestAfterPanic", "example.com/bad/q.TestHangs", "example.com/bad/q.TestAfterHang",
        ]
        let log = Log()
        let (binaries, cache) = Self.binaries(log)
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let started = ProcessInfo.processInfo.systemUptime
        let results = SwiftFixtureFiles.collect {
            GoTestAdapter().runWarm(names, of: suite, code: nil, build: "b", binaries: binaries, report: $0)
        }
        let elapsed = ProcessInfo.processInfo.systemUptime - started
        #expect(results.map(\.name).sorted() == names.sorted())
        let byName = Dictionary(uniqueKeysWithValues: results.map { ($0.name, $0) })
        #expect(byName["example.com/bad/p.TestX"]?.outcome == .error)
        #expect(Self.text(byName["example.com/bad/p.TestX"]).contains("undefined: undefinedThing"))
        #expect(log.lines.withLock { $0 }.contains { $0.contains("go test -c example.com/bad/p failed") })
        #expect(byName["example.com/bad/q.TestA"]?.outcome == .passed)
        #expect(byName["example.com/bad/q.TestPanics"]?.outcome == .failed)
        #expect(byName["example.com/bad/q.TestAfterPanic"]?.outcome == .passed, "rerun after the panic ended the binary")
        #expect(byName["example.com/bad/q.TestHangs"]?.outcome == .error)
        #expect(Self.text(byName["example.com/bad/q.TestHangs"]).contains("the suite's per-test timeout"))
        #expect(byName["example.com/bad/q.TestAfterHang"]?.outcome == .passed, "rerun after the hang was killed")
        #expect(elapsed < 50, "the hang was killed at its 2 s timeout, not go's whole-binary timeout: \(elapsed) s")
        #expect(Self.compiled(under: cache).count == 1, "q compiled, p did not build")
    }

    @Test func goModAndVersionParsing() {
        #expect(GoTestBinaries.modulePath(inGoMod: "// x\nmodule example.com/m // note\n\ngo 1.19\n") == "example.com/m")
        #expect(GoTestBinaries.modulePath(inGoMod: "module \"example.com/q\"\n") == "example.com/q")
        #expect(GoTestBinaries.modulePath(inGoMod: "go 1.19\n") == nil)
        #expect(!GoTestBinaries.hasTest2JSONFlag("go1.19.8"))
        #expect(GoTestBinaries.hasTest2JSONFlag("go1.20"))
        #expect(GoTestBinaries.hasTest2JSONFlag("go1.22rc1"))
        let fixture = SwiftFixtureFiles.fixture("go")
        let module = GoTestBinaries.module(containing: fixture + "/mathx")
        #expect(module?.path == "example.com/fixture")
        #expect(module.flatMap { GoTestBinaries.directory(of: "example.com/fixture/strs", in: $0) } == fixture + "/strs")
        #expect(module.flatMap { GoTestBinaries.directory(of: "example.com/other/strs", in: $0) } == nil)
    }
}
