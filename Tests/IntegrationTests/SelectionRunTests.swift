import Foundation
import Testing
import Model
import Store
import TestSupport

/// `testfleet run --base A --head B` on a real git repository holding a real pytest project:
/// only the impacted tests run (checked in the store), and the high watermark refuses a stale base.
@Suite(.serialized) struct SelectionRunTests {
    /// A pytest project in a fresh git repository: app.util ← app.core ← app.api, app.legacy,
    /// one test file per module plus one importing nothing of the project.
    final class Project {
        let repository: GitFixture
        var root: String { repository.root }
        private(set) var commits: [String: String] = [:]

        init() throws {
            repository = try GitFixture(root: Testfleet.temporaryDirectory())
            // Store files, verdicts and process logs are not the project's: git must not see them.
            try write([
                ".gitignore": "*.db*\n*.json\nout-*.txt\nerr-*.txt\n__pycache__/\n.pytest_cache/\n",
                "testfleet.toml": """
                    [[suite]]
                    name = "py"
                    adapter = "pytest"
                    dir = "."
                    command = "python3 -m pytest"

                    [rules]
                    force_full_run = ["ci/**"]
                    high_watermark = "WATERMARK"

                    [rules.paths]
                    "docs/**" = []

                    """,
                "WATERMARK": "1\n",
                "docs/index.md": "docs\n",
                "app/__init__.py": "",
                "app/util.py": "def double(x):\n    return 2 * x\n",
                "app/core.py": "from app.util import double\n\ndef quad(x):\n    return double(double(x))\n",
                "app/api.py": "from . import core\n\ndef handle(x):\n    return core.quad(x)\n",
                "app/legacy.py": "OLD = 1\n",
                "tests/__init__.py": "",
                "tests/test_util.py": "from app.util import double\n\ndef test_double():\n    assert double(2) == 4\n\ndef test_double_zero():\n    assert double(0) == 0\n",
                "tests/test_core.py": "import app.core\n\ndef test_quad():\n    assert app.core.quad(1) == 4\n",
                "tests/test_api.py": "from app import api\n\ndef test_handle():\n    assert api.handle(1) == 4\n",
                "tests/test_legacy.py": "def test_legacy():\n    from app.legacy import OLD\n    assert OLD == 1\n",
                "tests/test_plain.py": "import json\n\ndef test_json():\n    assert json.loads('1') == 1\n",
            ])
            try commit("A")
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }

        static let allTests: Set<String> = [
            "tests/test_util.py::test_double", "tests/test_util.py::test_double_zero", "tests/test_core.py::test_quad",
            "tests/test_api.py::test_handle", "tests/test_legacy.py::test_legacy", "tests/test_plain.py::test_json",
        ]

        func write(_ files: [String: String]) throws { try repository.write(files) }

        func commit(_ name: String) throws { commits[name] = try repository.commit(name) }

        /// A branch from `from` with one commit named `name` made by `change`.
        func branch(_ name: String, from: String = "A", _ change: () throws -> Void) throws {
            try git("checkout", "-q", "-b", name, commits[from]!)
            try change()
            try commit(name)
        }

        @discardableResult
        func git(_ arguments: String...) throws -> String { try repository.git(arguments) }

        /// `testfleet run --local 2 --base A --head HEAD-OF-BRANCH`; the tests that ran (from the
        /// store), the exit code, the verdict JSON and the stored selection.
        func run(base: String = "A", head: String, build: String) throws
            -> (ran: Set<String>, code: Int32, verdict: [String: Any], selection: BuildSelection?)
        {
            let finished = try Testfleet.run(
                ["run", "--local", "2", "--base", commits[base]!, "--head", commits[head]!, "--suite", "testfleet.toml",
                 "--db", "d.db", "--json", "\(build).json", "--build", build, "--quiet", "--retries", "0"],
                in: root, timeout: 300)
            let store = try Store(path: root + "/d.db")
            let ran = Set(try store.results(build: build).map(\.test))
            let data = try Data(contentsOf: URL(fileURLWithPath: root + "/\(build).json"))
            let verdict = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(finished.stderr)")
            return (ran, finished.code, verdict, try store.selection(build: build))
        }
    }

    @Test func aOneFileChangeRunsExactlyTheImpactedTestsAndRecordsTheSkipped() throws {
        let project = try Project()
        try project.branch("B") { try project.write(["app/core.py": "from app.util import double\n\ndef quad(x):\n    return double(x) * 2\n"]) }
        let run = try project.run(head: "B", build: "one-file")
        #expect(run.code == 0, "\(run.verdict)")
        #expect(run.ran == ["tests/test_core.py::test_quad", "tests/test_api.py::test_handle"])
        let selection = try #require(run.selection)
        #expect(selection.selectedCount == 2)
        #expect(selection.skippedCount == 4)
        #expect(Set(selection.skipped.map(\.test)) == Project.allTests.subtracting(run.ran))
        #expect(selection.skipped.allSatisfy { $0.suite == "py" && !$0.reason.isEmpty })
        #expect(selection.rebaseRequired == nil && selection.runAllReasons.isEmpty)
    }

    @Test func unknownPathAndForceFullPathRunEverything() throws {
        let project = try Project()
        try project.branch("unknown") { try project.write(["data/blob.bin": "x\n"]) }
        let unknown = try project.run(head: "unknown", build: "unknown")
        #expect(unknown.code == 0, "\(unknown.verdict)")
        #expect(unknown.ran == Project.allTests)
        #expect(unknown.selection?.runAllReasons.contains { $0.contains("unknown path") } == true)
        #expect(unknown.selection?.skippedCount == 0)

        try project.branch("ci") { try project.write(["ci/pipeline.yml": "steps: []\n"]) }
        let ci = try project.run(head: "ci", build: "force-full")
        #expect(ci.code == 0, "\(ci.verdict)")
        #expect(ci.ran == Project.allTests)
        #expect(ci.selection?.runAllReasons.contains { $0.contains("force-full-run pattern 'ci/**'") } == true)

        // A path a rule maps to no test runs nothing, and a build of nothing passes.
        try project.branch("docs") { try project.write(["docs/index.md": "more docs\n"]) }
        let docs = try project.run(head: "docs", build: "docs")
        #expect(docs.code == 0, "\(docs.verdict)")
        #expect(docs.ran.isEmpty)
        #expect(docs.selection?.skippedCount == Project.allTests.count)
    }

    @Test func aDeletedModuleSelectsItsFormerImporters() throws {
        let project = try Project()
        // Deleting app/legacy.py breaks test_legacy, its only importer: selection must run it.
        try project.branch("delete") { try project.git("rm", "-q", "app/legacy.py") }
        let run = try project.run(head: "delete", build: "deleted")
        #expect(run.ran == ["tests/test_legacy.py::test_legacy"])
        #expect(run.code == 1, "the former importer fails without its module: \(run.verdict)")
        let failures = try #require(run.verdict["failures"] as? [[String: Any]])
        #expect(failures.compactMap { $0["test"] as? String } == ["tests/test_legacy.py::test_legacy"])
    }

    @Test func aBaseOlderThanTheWatermarkChangeFailsWithRebaseRequired() throws {
        let project = try Project()
        // main moves on: the watermark is bumped, then a change is made on top of it.
        try project.write(["WATERMARK": "2\n"])
        try project.commit("bump")
        try project.write(["app/util.py": "def double(x):\n    return x + x\n"])
        try project.commit("after")
        let stale = try project.run(base: "A", head: "after", build: "stale")
        #expect(stale.code == 1)
        #expect(stale.ran.isEmpty, "no test runs when the base must rebase")
        let reasons = try #require(stale.verdict["reasons"] as? [String])
        let expected = "rebase required: base \(project.commits["A"]!) is older than \(project.commits["bump"]!) which changed WATERMARK"
        #expect(reasons.first == expected)
        #expect(stale.verdict["verdict"] as? String == "fail")

        // Based on the bump itself, the same head is fine and runs what util.py reaches.
        let fresh = try project.run(base: "bump", head: "after", build: "fresh")
        #expect(fresh.code == 0, "\(fresh.verdict)")
        #expect(fresh.ran == Project.allTests.subtracting(["tests/test_legacy.py::test_legacy", "tests/test_plain.py::test_json"]))

        let select = try Testfleet.run(
            ["select", "--base", project.commits["A"]!, "--head", project.commits["after"]!], in: project.root)
        #expect(select.stdout.hasPrefix(expected), "\(select.stdout) \(select.stderr)")
    }
}
