import Model
import Config
import Selection
import Testing

/// `[rules]` parsing and path globs.
@Suite struct ImpactRulesTests {
    @Test func globSemantics() throws {
        #expect(try PathGlob("docs/**").matches("docs/a/b.md"))
        #expect(try !PathGlob("docs/**").matches("src/docs.md"))
        #expect(try PathGlob("**/*.md").matches("README.md"))
        #expect(try PathGlob("**/*.md").matches("a/b/c.md"))
        #expect(try !PathGlob("*.md").matches("a/c.md"))
        #expect(try PathGlob("src/**/test_?.py").matches("src/test_a.py"))
        #expect(try PathGlob("src/**/test_?.py").matches("src/x/y/test_b.py"))
        #expect(try !PathGlob("src/**/test_?.py").matches("src/x/test_bc.py"))
        // A plain name covers the directory below it.
        #expect(try PathGlob("vendor").matches("vendor/lib/x.py"))
        #expect(try PathGlob("poetry.lock").matches("poetry.lock"))
        #expect(try !PathGlob("poetry.lock").matches("sub/poetry.lock"))
        #expect(throws: TestfleetError.self) { try PathGlob("") }
    }

    @Test func rulesFromTOML() throws {
        let toml = TOMLValue.table([
            ("force_full_run", .array([.string("ci/**")])),
            ("high_watermark", .string(".testfleet/watermark")),
            ("always_run", .array([.string("unit::tests/test_smoke.py"), .string("ModelTests")])),
            ("python_test_files", .array([.string("check_*.py")])),
            ("paths", .table([("docs/**", .array([])), ("schemas/*.json", .array([.string("api")]))])),
        ])
        let rules = try ImpactRules(toml: toml)
        #expect(rules.forceFullRun.contains { $0.pattern == "ci/**" })
        #expect(rules.forceFullRun.contains { $0.matches(".testfleet/watermark") })
        #expect(rules.forceFullRun.contains { $0.matches("sub/poetry.lock") })  // built-in list kept
        #expect(rules.alwaysRun == [.test(suite: "unit", glob: "tests/test_smoke.py"), .suiteOrTest("ModelTests")])
        #expect(rules.isPythonTestFile("check_x.py"))
        #expect(!rules.isPythonTestFile("test_x.py"))
        #expect(rules.paths.map(\.glob.pattern) == ["docs/**", "schemas/*.json"])
        #expect(rules.paths[0].targets.isEmpty)
    }

    @Test func badRulesAreTestfleetErrors() {
        #expect(throws: TestfleetError.self) { try ImpactRules(toml: .table([("force_full", .string("x"))])) }
        #expect(throws: TestfleetError.self) { try ImpactRules(toml: .table([("always_run", .integer(3))])) }
        #expect(throws: TestfleetError.self) { try ImpactRules(toml: .table([("paths", .array([]))])) }
        #expect(throws: TestfleetError.self) { try ImpactRules(toml: .table([("always_run", .array([.string("::x")]))])) }
        #expect(throws: TestfleetError.self) { try ImpactRules(toml: .string("rules")) }
    }

    @Test func documentWithoutRulesGivesDefaults() throws {
        let rules = try ImpactRules(document: .table([("suite", .array([]))]))
        #expect(rules == ImpactRules())
        #expect(rules.isPythonTestFile("test_a.py") && rules.isPythonTestFile("a_test.py"))
    }

    @Test func nameStatusParsing() throws {
        let output = "M\0a.py\0R087\0old/x.py\0new/x.py\0D\0gone.py\0A\0new.txt\0"
        let changes = try ChangedPath.parseNameStatus(output)
        #expect(
            changes == [
                ChangedPath(status: .modified, path: "a.py"),
                ChangedPath(status: .renamed, path: "new/x.py", oldPath: "old/x.py"),
                ChangedPath(status: .deleted, path: "gone.py"),
                ChangedPath(status: .added, path: "new.txt"),
            ])
        #expect(changes[1].sides.map(\.path) == ["old/x.py", "new/x.py"])
        #expect(throws: TestfleetError.self) { try ChangedPath.parseNameStatus("R100\0only-one\0") }
    }
}
