import Foundation
import Model
import Testing
@testable import Analyzer

@Suite struct ReportTests {
    /// A broken test, a flaky test and stable ones.
    static func analysis() -> FlakyAnalysis {
        var builder = AttemptHistory.Builder()
        for build in 0..<8 {
            let index = builder.build(id: "b\(build)", commit: "c\(build)")
            AnalyzerHistoryTests.addStable(&builder, build: index)
            if build < 5 {
                builder.attempt("suite::\"quoted\"", build: index, attempt: 1, outcome: .passed)
            } else {
                for attempt in 1...3 { builder.attempt("suite::\"quoted\"", build: index, attempt: attempt, outcome: .failed, duration: 2) }
            }
            builder.attempt("suite::flaky", build: index, attempt: 1, outcome: build % 2 == 0 ? .failed : .passed)
            if build % 2 == 0 { builder.attempt("suite::flaky", build: index, attempt: 2, outcome: .passed, worker: "w2", duration: 1.5) }
        }
        return FlakyAnalyzer.analyze(builder.history)
    }

    @Test func flakyJSONRowsHaveExactlyTheDocumentedKeys() throws {
        let json = FlakyReport.json(Self.analysis())
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(rows.count == 2)
        for row in rows {
            #expect(Set(row.keys) == ["test", "state", "flake_rate", "evidence", "since_commit"])
        }
        // Ranked by harm: the broken test failed 3 builds; the flaky one none.
        #expect(rows[0]["test"] as? String == "suite::\"quoted\"")
        #expect(rows[0]["state"] as? String == "broken")
        #expect(rows[0]["since_commit"] as? String == "c5")
        #expect((rows[0]["evidence"] as? String)?.contains("culprit in c4..c5") == true)
        #expect(rows[1]["test"] as? String == "suite::flaky")
        #expect(rows[1]["state"] as? String == "quarantined")
        #expect(rows[1]["since_commit"] is NSNull)
        let rate = try #require(rows[1]["flake_rate"] as? Double)
        #expect(rate > 0 && rate < 1)
        // With every test: stable rows appear too.
        let all = try #require(try JSONSerialization.jsonObject(with: Data(FlakyReport.json(Self.analysis(), includeStable: true).utf8)) as? [[String: Any]])
        #expect(all.count == 22)
    }

    @Test func markdownRanksByHarmAndNamesInfrastructure() {
        let markdown = MarkdownReport.render(Self.analysis())
        #expect(markdown.contains("| # | test | state | flake rate (95% interval) | failed builds | retry time | since |"))
        let lines = markdown.split(separator: "\n")
        let first = lines.first { $0.hasPrefix("| 1 |") }
        #expect(first?.contains("suite::\"quoted\"") == true)
        #expect(first?.contains("| broken |") == true)
        #expect(first?.contains("| 3 | 12.0 s |") == true)  // 3 failed builds; 2 retries × 2 s × 3 builds
        #expect(lines.contains { $0.hasPrefix("| 2 |") && $0.contains("suite::flaky") })
    }

    @Test func emptyReportSaysSo() {
        var builder = AttemptHistory.Builder()
        let index = builder.build(id: "b0", commit: "c0")
        AnalyzerHistoryTests.addStable(&builder, build: index)
        let analysis = FlakyAnalyzer.analyze(builder.history)
        #expect(FlakyReport.json(analysis) == "[]")
        #expect(MarkdownReport.render(analysis).contains("No flaky or broken tests among 20 tests."))
    }
}
