import Adapters
import Foundation
import SelectionSources
import Model
import Config
import Selection
import Testing

/// The high-watermark check on real git repositories made in the test.
@Suite struct WatermarkTests {
    /// main: A (watermark 1) → B (watermark 2) → C (code); a side branch from A with a change.
    private func history() throws -> (FixtureRepository, [String: String]) {
        let repository = try FixtureRepository.pythonProject()
        var commits = ["A": try repository.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)]
        try repository.write(["WATERMARK": "1\n"])
        commits["W1"] = try repository.commit("watermark 1")
        try repository.write(["WATERMARK": "2\n"])
        commits["W2"] = try repository.commit("watermark 2")
        try repository.write(["app/util.py": "def double(x):\n    return x + x\n"])
        commits["C"] = try repository.commit("code")
        try repository.git("checkout", "-q", "-b", "side", commits["W1"]!)
        try repository.write(["app/legacy.py": "OLD = 2\n"])
        commits["side"] = try repository.commit("side change")
        return (repository, commits)
    }

    @Test func baseOlderThanTheNewestWatermarkChangeMustRebase() throws {
        let (repository, c) = try history()
        let git = try GitRepository(containing: repository.root)
        let stale = try #require(try Watermark.check(git, path: "WATERMARK", base: c["W1"]!, head: c["C"]!))
        #expect(stale.changedBy == c["W2"]!)
        #expect(stale.rebaseRequired)
        #expect(stale.reason == "rebase required: base \(c["W1"]!) is older than \(c["W2"]!) which changed WATERMARK")
        // A diverged base (on the side branch) lacks the change as well.
        #expect(try Watermark.check(git, path: "WATERMARK", base: c["side"]!, head: c["C"]!)?.rebaseRequired == true)
    }

    @Test func baseAtOrAfterTheWatermarkChangeIsFine() throws {
        let (repository, c) = try history()
        let git = try GitRepository(containing: repository.root)
        for base in ["W2", "C"] {
            let check = try #require(try Watermark.check(git, path: "WATERMARK", base: c[base]!, head: c["C"]!))
            #expect(!check.rebaseRequired, "base \(base)")
            #expect(check.reason == nil)
        }
        // Seen from the side branch, the newest watermark change is W1, which its base A lacks
        // but W1 itself has.
        #expect(try Watermark.check(git, path: "WATERMARK", base: c["A"]!, head: c["side"]!)?.rebaseRequired == true)
        #expect(try Watermark.check(git, path: "WATERMARK", base: c["W1"]!, head: c["side"]!)?.rebaseRequired == false)
        // A file no commit ever changed has no watermark to hold.
        #expect(try Watermark.check(git, path: "NEVER", base: c["A"]!, head: c["C"]!) == nil)
    }

    @Test func selectReportsTheWatermarkFromTheRules() throws {
        let (repository, c) = try history()
        let rules = try ImpactRules(toml: .table([("high_watermark", .string("WATERMARK"))]))
        #expect(rules.highWatermark == "WATERMARK")
        let suites = [SuiteDefinition(name: "unit", adapter: .pytest, directory: repository.root)]
        let stale = try ImpactAnalysis.select(in: repository.root, base: c["W1"]!, head: c["C"]!, suites: suites, rules: rules, providers: AdapterRegistry.impactProvider(for:))
        #expect(stale.watermark?.rebaseRequired == true)
        #expect(stale.text(explain: false).hasPrefix("rebase required: base \(c["W1"]!)"))
        #expect(stale.jsonText.contains("\"rebase_required\": \"rebase required: base \(c["W1"]!)"))
        let fresh = try ImpactAnalysis.select(in: repository.root, base: c["W2"]!, head: c["C"]!, suites: suites, rules: rules, providers: AdapterRegistry.impactProvider(for:))
        #expect(fresh.watermark?.rebaseRequired == false)
        #expect(fresh.jsonText.contains("\"rebase_required\": null"))
        // Without the rule nothing is checked.
        let none = try ImpactAnalysis.select(in: repository.root, base: c["W1"]!, head: c["C"]!, suites: suites, rules: ImpactRules(), providers: AdapterRegistry.impactProvider(for:))
        #expect(none.watermark == nil)
    }
}
