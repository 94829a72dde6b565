import Foundation
import Store
import Testing

/// `testfleet ingest lint` on real tools' reports (Tests/Fixtures/lint: import-linter and mypy
/// output captured from the real tools; SwiftLint in its documented format, as it cannot be
/// installed here) and on malformed ones (exit 2, naming the line).
@Suite struct LintIngestTests {
    let directory = Testfleet.temporaryDirectory()

    static func fixture(_ name: String) -> String {
        Testfleet.fixture("lint/\(name)")
    }

    func ingest(_ tool: String, _ path: String, commit: String) throws -> Testfleet.Finished {
        try Testfleet.run(["ingest", "lint", "--tool", tool, path, "--commit", commit, "--db", "d.db"], in: directory, timeout: 60)
    }

    func malformed(_ tool: String, _ text: String) throws -> Testfleet.Finished {
        let path = directory + "/bad-\(UUID().uuidString).txt"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try ingest(tool, path, commit: "bad")
    }

    @Test func importLintersRealReportIsAcceptedWithOneFindingPerChain() throws {
        let run = try ingest("import-linter", Self.fixture("import-linter-broken.txt"), commit: "c1")
        #expect(run.code == 0, "\(run.stderr)")
        let found = try Store(path: directory + "/d.db").lintViolations(tool: "import-linter", commit: "c1")
        #expect(found.count == 3)
        #expect(Set(found.map(\.code)) == ["Layered architecture", "Web does not import db"])
        let indirect = try #require(found.first { $0.path == "shop.db.tables" })
        #expect(indirect.code == "Layered architecture" && indirect.line == 1)
        #expect(indirect.message == "shop.db is not allowed to import shop.domain: shop.db.tables -> shop.util.helpers (l.1); shop.util.helpers -> shop.domain.models (l.1)")
        #expect(found.contains { $0.path == "shop.web.views" && $0.code == "Web does not import db" })

        let kept = try ingest("import-linter", Self.fixture("import-linter-kept.txt"), commit: "c2")
        #expect(kept.code == 0 && kept.stdout.contains("recorded 0"), "\(kept.stderr)")
    }

    @Test func mypyFindingsKeepTheirErrorCodesWithAndWithoutColumns() throws {
        for (file, commit) in [("mypy.txt", "m1"), ("mypy-columns.txt", "m2")] {
            let run = try ingest("mypy", Self.fixture(file), commit: commit)
            #expect(run.code == 0, "\(run.stderr)")
            let found = try Store(path: directory + "/d.db").lintViolations(tool: "mypy", commit: commit)
            #expect(found.map(\.code) == ["return-value", "import-not-found", "return-value"], "\(file)")  // by path, line
            let wrongReturn = try #require(found.first { $0.path == "shop/domain/models.py" && $0.line == 2 })
            #expect(wrongReturn.message == "Incompatible return value type (got \"str\", expected \"int\")")
            #expect(wrongReturn.column == (commit == "m2" ? 12 : 0))
            #expect(!found.contains { $0.message.contains("Revealed type") }, "notes are not findings")
        }
    }

    @Test func swiftLintFindingsKeepTheirRuleIDs() throws {
        let run = try ingest("swiftlint", Self.fixture("swiftlint.txt"), commit: "s1")
        #expect(run.code == 0, "\(run.stderr)")
        let found = try Store(path: directory + "/d.db").lintViolations(tool: "swiftlint", commit: "s1")
        #expect(found.map(\.code) == ["line_length", "todo", "identifier_name"])
        #expect(found[1].message == "Todo Violation: TODOs should be resolved (split this)")
        #expect(found[0].line == 12 && found[0].column == 121)
    }

    @Test func malformedReportsExitTwoNamingTheLine() throws {
        let mypy = try malformed("mypy", "shop/a.py:3: error: Bad  [misc]\nshop/b.py:three: error: nope\nFound 1 error in 1 file\n")
        #expect(mypy.code == 2 && mypy.stderr.contains("line 2"), "\(mypy.stderr)")
        let swiftlint = try malformed("swiftlint", "Linting 'A.swift' (1/1)\n/x/A.swift:1:1: warning: T Violation: t (todo)\nSegmentation fault\n")
        #expect(swiftlint.code == 2 && swiftlint.stderr.contains("line 3"), "\(swiftlint.stderr)")
        // Broken contracts announced but no chain shown, a chain outside a contract, a wrong count.
        let report = try String(contentsOfFile: Self.fixture("import-linter-broken.txt"), encoding: .utf8)
        let truncated = String(report[..<report.range(of: "Broken contracts")!.lowerBound])
        let noChains = try malformed("import-linter", truncated)
        #expect(noChains.code == 2 && noChains.stderr.contains("shows no import chain"), "\(noChains.stderr)")
        let miscounted = try malformed("import-linter", report.replacingOccurrences(of: "1 kept, 2 broken.", with: "0 kept, 3 broken."))
        #expect(miscounted.code == 2 && miscounted.stderr.contains("says 3 broken"), "\(miscounted.stderr)")
        let stray = try malformed("import-linter", report.replacingOccurrences(of: "Layered architecture\n--------------------\n", with: "Layerd architecture\n-------------------\n"))
        #expect(stray.code == 2 && stray.stderr.contains("line "), "\(stray.stderr)")
        let noCounts = try malformed("import-linter", "Layered architecture BROKEN\n")
        #expect(noCounts.code == 2 && noCounts.stderr.contains("Contracts: N kept"), "\(noCounts.stderr)")
    }
}
