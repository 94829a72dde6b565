import Foundation
import Store
import Testing
import TestSupport

/// A known break (one retry, no confirmation runs) stays one only while nothing it depends on
/// changed: `run --local --commit C` on a real git repository holding a real pytest project, the
/// broken test importing `app.value`.
@Suite(.serialized) struct KnownBreakLapseTests {
    static let broken = "tests/test_broken.py::test_broken"

    @Test func aChangeTheKnownBreakDependsOnGivesItItsRetriesAndConfirmationRunsAgain() throws {
        let repository = try GitFixture(root: Testfleet.temporaryDirectory())
        let root = repository.root
        try repository.write([
            ".gitignore": "*.db*\n*.json\nout-*.txt\nerr-*.txt\n__pycache__/\n.pytest_cache/\n",  // the runs' files are not the project's
            "testfleet.toml": "[[suite]]\nname = \"py\"\nadapter = \"pytest\"\ndir = \".\"\ncommand = \"python3 -m pytest\"\n",
            "app/__init__.py": "",
            "app/value.py": "VALUE = 1\n",
            "tests/__init__.py": "",
            "tests/test_broken.py": "from app.value import VALUE\n\ndef test_broken():\n    assert VALUE == 2\n",
            "tests/test_other.py": "def test_other():\n    assert True\n",
        ])
        let first = try repository.commit("A")
        /// The broken test's attempts in `build`, run at `commit`.
        func attempts(_ build: String, at commit: String) throws -> Int? {
            let finished = try Testfleet.run(
                ["run", "--local", "2", "--suite", "testfleet.toml", "--db", "d.db", "--build", build, "--commit", commit, "--quiet"],
                in: root, timeout: 300)
            #expect(finished.code == 1, "\(finished.stderr)")
            return try Store(path: root + "/d.db").results(build: build).filter { $0.test == Self.broken }.map(\.attempt).max()
        }
        // Its first failing build: two retries and five confirmation runs.
        #expect(try attempts("b1", at: first) == 8)
        // The same commit again: a known break, one retry.
        #expect(try attempts("b2", at: first) == 2)
        // A change it does not import: still a known break.
        try repository.write(["tests/test_other.py": "def test_other():\n    assert 1 == 1\n"])
        let second = try repository.commit("B")
        #expect(try attempts("b3", at: second) == 2)
        // A change to what it imports may be its fix (here it is not): every run again.
        try repository.write(["app/value.py": "VALUE = 3\n"])
        let third = try repository.commit("C")
        #expect(try attempts("b4", at: third) == 8)
        try? FileManager.default.removeItem(atPath: root)
    }
}
