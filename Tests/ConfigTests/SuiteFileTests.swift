import Testing
import Model
@testable import Config

@Suite struct SuiteFileTests {
    @Test func readsEveryKey() throws {
        let text = """
            [[suite]]
            name = "unit"
            adapter = "pytest"
            dir = "py"
            command = "python3 -m pytest -x"
            timeout_s = 30
            arch = "aarch64"
            env = { PYTHONHASHSEED = "0" }

            [[suite]]
            name = "smoke"
            adapter = "shell"
            arch = "every"
            output_cap_kb = 64
            [suite.tests]
            ok = "true"
            bad = "exit 3"
            """
        let file = try SuiteFile.parse(text, path: "/repo/ci/testfleet.toml")
        #expect(file.suites.count == 2)
        let unit = file.suites[0]
        #expect(unit.adapter == .pytest)
        #expect(unit.directory == "/repo/ci/py")
        #expect(unit.command == "python3 -m pytest -x")
        #expect(unit.timeout == 30)
        #expect(unit.arch == .only(.aarch64))
        #expect(unit.environment == ["PYTHONHASHSEED": "0"])
        let smoke = file.suites[1]
        #expect(smoke.arch == .every)
        #expect(smoke.outputCap == 64 * 1024)
        #expect(Set(smoke.shellTests.map(\.name)) == ["ok", "bad"])
    }

    @Test(arguments: [
        ("[[suite]]\nname = \"a\"\nadapter = \"nose\"", "unknown adapter 'nose'"),
        ("[[suite]]\nadapter = \"pytest\"", "'name' is required"),
        ("[[suite]]\nname = \"a\"\nadapter = \"pytest\"\ntimeuot_s = 3", "unknown key 'timeuot_s'"),
        ("[[suite]]\nname = \"a\"\nadapter = \"pytest\"\n[[suite]]\nname = \"a\"\nadapter = \"go\"", "used twice"),
        ("[[suite]]\nname = \"a\"\nadapter = \"shell\"", "needs 'tests'"),
        ("[[suite]]\nname = \"a\"\nadapter = \"pytest\"\ntimeout_s = -1", "'timeout_s' must be"),
        ("title = \"no suites\"", "no [[suite]] tables"),
        ("[[suite]\nname = 1", "t.toml:1:"),
    ])
    func badFilesNameTheProblem(_ text: String, _ expected: String) {
        do {
            _ = try SuiteFile.parse(text, path: "/x/t.toml")
            Issue.record("expected an error containing \(expected)")
        } catch {
            #expect(error.message.contains(expected), "\(error.message)")
        }
    }

    @Test func anEverySuiteRunsOnTheArchesItLists() throws {
        let text = "[[suite]]\nname = \"a\"\nadapter = \"pytest\"\narch = \"every\"\narches = [\"arm64\", \"aarch64\"]\n"
            + "[[suite]]\nname = \"b\"\nadapter = \"pytest\"\narch = \"every\"\n"
        let file = try SuiteFile.parse(text, path: "/x/t.toml")
        #expect(file.suites[0].arches == [.aarch64])
        #expect(file.suites[1].arches == [.x86_64, .aarch64], "both by default")
        do {
            _ = try SuiteFile.parse("[[suite]]\nname = \"a\"\nadapter = \"pytest\"\narches = [\"sparc\"]\n", path: "/x/t.toml")
            Issue.record("an unknown arch was accepted")
        } catch {
            #expect(error.message.contains("'arches'"), "\(error.message)")
        }
    }

    @Test func missingFileIsAClearError() {
        #expect(throws: TestfleetError.self) { try SuiteFile.load(path: "/nonexistent/testfleet.toml") }
    }
}
