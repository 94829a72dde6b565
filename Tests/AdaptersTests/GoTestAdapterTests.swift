import Foundation
import Model
import Testing

@testable import Adapters

/// The go adapter on real modules run by the real `go` (Debian's golang-go; `make test` installs
/// it): the fixture in Tests/Fixtures/go, and a module with a broken package, a panic and a hang.
@Suite struct GoTestAdapterTests {
    static let fixtureSuite = SuiteDefinition(
        name: "go-fixture", adapter: .go, directory: SwiftFixtureFiles.fixture("go"), timeout: 60)

    @Test func fixtureCountsEqualWhatGoTestReports() throws {
        let adapter = GoTestAdapter()
        let names = try adapter.inventory(of: Self.fixtureSuite)
        let results = SwiftFixtureFiles.collect { adapter.run(names, of: Self.fixtureSuite, attempt: 1, report: $0) }
        #expect(results.map(\.name).sorted() == names.sorted(), "every requested test exactly once")

        // The oracle: plain `go test -json ./...`, its top-level tests' final actions.
        let plain = try ProcessRunner().run(
            .argv(["go", "test", "-json", "-count=1", "./..."]), in: Self.fixtureSuite.directory, timeout: 300,
            outputCap: 1 << 22)
        let framework = try Self.topLevelOutcomes(plain.output)
        #expect(Set(framework.keys) == Set(names), "inventory lists what go test runs")
        let ours = Dictionary(uniqueKeysWithValues: results.map { ($0.name, $0.outcome) })
        #expect(ours == framework)
        #expect(SwiftFixtureFiles.counts(results) == [.passed: 4, .failed: 1, .skipped: 1])

        let table = try #require(results.first { $0.name == "example.com/fixture/mathx.TestTable" })
        #expect(String(decoding: table.output, as: UTF8.self).contains("--- PASS: TestTable/small"), "subtests are part of the parent")
        let failed = try #require(results.first { $0.name == "example.com/fixture/mathx.TestDeliberateFailure" })
        #expect(String(decoding: failed.output, as: UTF8.self).contains("want 5 (deliberate)"))
    }

    @Test func aBatchRunsOnlyItsTestsAndAnUnknownNameIsAnError() {
        let names = [
            "example.com/fixture/strs.TestAdd", "example.com/fixture/mathx.TestSkipped",
            "example.com/fixture/mathx.TestNoSuchTest", "example.com/nosuchpackage.TestX", "NotQualified",
        ]
        let results = SwiftFixtureFiles.collect { GoTestAdapter().run(names, of: Self.fixtureSuite, attempt: 1, report: $0) }
        #expect(results.map(\.name).sorted() == names.sorted())
        let outcomes = Dictionary(uniqueKeysWithValues: results.map { ($0.name, $0.outcome) })
        #expect(outcomes == [
            "example.com/fixture/strs.TestAdd": .passed, "example.com/fixture/mathx.TestSkipped": .skipped,
            "example.com/fixture/mathx.TestNoSuchTest": .error, "example.com/nosuchpackage.TestX": .error,
            "NotQualified": .error,
        ])
    }

    /// A module whose package p does not compile and whose package q panics and hangs: what the
    /// cold and the warm go paths must both report without losing a test.
    static let badModule = [
        "p/p_test.go": "package p\n\nimport \"testing\"\n\nfunc TestX(t *testing.T) { undefinedThing() }\n",
        "q/q_test.go": """
            package q

            import (
            	"testing"
            	"time"
            )

            func TestA(t *testing.T) {}
            func TestPanics(t *testing.T) { panic("panic on purpose") }
            func TestAfterPanic(t *testing.T) {}
            func TestHangs(t *testing.T) { time.Sleep(time.Minute) }
            func TestAfterHang(t *testing.T) {}
            """,
    ]

    @Test func buildFailurePanicAndHangAreReportedNotLost() throws {
        let dir = try Self.makeModule(Self.badModule)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let suite = SuiteDefinition(name: "bad", adapter: .go, directory: dir, timeout: 2)
        #expect(throws: TestfleetError.self) { try GoTestAdapter().inventory(of: suite) }

        let names = [
            "example.com/bad/p.TestX", "example.com/bad/q.TestA", "example.com/bad/q.TestPanics",
            "example.com/bad/q.TestAfterPanic", "example.com/bad/q.TestHangs", "example.com/bad/q.TestAfterHang",
        ]
        let results = SwiftFixtureFiles.collect { GoTestAdapter().run(names, of: suite, attempt: 1, report: $0) }
        #expect(results.map(\.name).sorted() == names.sorted())
        let byName = Dictionary(uniqueKeysWithValues: results.map { ($0.name, $0) })
        #expect(byName["example.com/bad/p.TestX"]?.outcome == .error)
        let buildOutput = String(decoding: byName["example.com/bad/p.TestX"]?.output ?? [], as: UTF8.self)
        #expect(buildOutput.contains("undefined: undefinedThing"))
        #expect(byName["example.com/bad/q.TestA"]?.outcome == .passed)
        #expect(byName["example.com/bad/q.TestPanics"]?.outcome == .failed)
        #expect(byName["example.com/bad/q.TestAfterPanic"]?.outcome == .passed, "rerun after the panic ended the binary")
        #expect(byName["example.com/bad/q.TestHangs"]?.outcome == .error)
        let hang = String(decoding: byName["example.com/bad/q.TestHangs"]?.output ?? [], as: UTF8.self)
        #expect(hang.contains("the suite's per-test timeout"))
        #expect(byName["example.com/bad/q.TestAfterHang"]?.outcome == .passed, "rerun after the hang was killed")
    }

    /// Top-level test → outcome from a `go test -json` stream, read independently of the adapter.
    static func topLevelOutcomes(_ output: [UInt8]) throws -> [String: Outcome] {
        var outcomes: [String: Outcome] = [:]
        for line in output.split(separator: 10) where line.first == UInt8(ascii: "{") {
            let event = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            guard let test = event["Test"] as? String, !test.contains("/"), let package = event["Package"] as? String else { continue }
            switch event["Action"] as? String {
            case "pass": outcomes["\(package).\(test)"] = .passed
            case "fail": outcomes["\(package).\(test)"] = .failed
            case "skip": outcomes["\(package).\(test)"] = .skipped
            default: break
            }
        }
        return outcomes
    }

    /// A module `example.com/bad` in a temp dir with `files` (relative path → contents).
    static func makeModule(_ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("testfleet-gomod-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "module example.com/bad\n\ngo 1.19\n".write(toFile: dir + "/go.mod", atomically: true, encoding: .utf8)
        for (path, text) in files {
            let url = URL(fileURLWithPath: dir).appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return dir
    }
}
