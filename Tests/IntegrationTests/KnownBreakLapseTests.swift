import Foundation
import Store
import Testing
import TestSupport

/// A known break (one retry, no confirmation runs) stays one only while nothing it depends on
/// changed: `run --local --commit C`, and `submit` to a fleet, on a real git repository holding a
/// real pytest project, the broken test importing `app.value`.
@Suite(.serialized) struct KnownBreakLapseTests {
    static let broken = "tests/test_broken.py::test_broken"

    /// The project at its first commit: `test_broken` imports `app.value` and always fails.
    func project() throws -> (repository: GitFixture, first: String) {
        let repository = try GitFixture(root: Testfleet.temporaryDirectory())
        try repository.write([
            ".gitignore": "*.db*\n*.json\nout-*.txt\nerr-*.txt\n__pycache__/\n.pytest_cache/\n",  // the runs' files are not the project's
            "testfleet.toml": "[[suite]]\nname = \"py\"\nadapter = \"pytest\"\ndir = \".\"\ncommand = \"python3 -m pytest\"\n",
            "app/__init__.py": "",
            "app/value.py": "VALUE = 1\n",
            "tests/__init__.py": "",
            "tests/test_broken.py": "from app.value import VALUE\n\ndef test_broken():\n    assert VALUE == 2\n",
            "tests/test_other.py": "def test_other():\n    assert True\n",
        ])
        return (repository, try repository.commit("A"))
    }

    /// Four builds: the first failing one, the same commit again, a change the broken test does
    /// not import, a change to what it imports; `attempts(build, commit)` runs one and answers
    /// the broken test's attempts.
    func checkTheLapse(_ repository: GitFixture, first: String, attempts: (String, String) throws -> Int?) throws {
        // Its first failing build: two retries and five confirmation runs.
        #expect(try attempts("b1", first) == 8)
        // The same commit again: a known break, one retry.
        #expect(try attempts("b2", first) == 2)
        // A change it does not import: still a known break.
        try repository.write(["tests/test_other.py": "def test_other():\n    assert 1 == 1\n"])
        #expect(try attempts("b3", try repository.commit("B")) == 2)
        // A change to what it imports may be its fix (here it is not): every run again.
        try repository.write(["app/value.py": "VALUE = 3\n"])
        #expect(try attempts("b4", try repository.commit("C")) == 8)
    }

    @Test func aChangeTheKnownBreakDependsOnGivesItItsRetriesAndConfirmationRunsAgain() throws {
        let (repository, first) = try project()
        let root = repository.root
        defer { try? FileManager.default.removeItem(atPath: root) }
        try checkTheLapse(repository, first: first) { build, commit in
            let finished = try Testfleet.run(
                ["run", "--local", "2", "--suite", "testfleet.toml", "--db", "d.db", "--build", build, "--commit", commit, "--quiet"],
                in: root, timeout: 300)
            #expect(finished.code == 1, "\(finished.stderr)")
            return try Store(path: root + "/d.db").results(build: build).filter { $0.test == Self.broken }.map(\.attempt).max()
        }
    }

    /// The fleet: the coordinator has no checkout, so `submit` asks it for the previous build and
    /// measures the change since in the CI checkout (`PlannedBuild.affectedFailures`). Each build
    /// is submitted from a clone of depth 1, as CI checks out, which lacks the previous build's
    /// commit and fetches it. Two workers fetch each commit from the repository into caches of
    /// their own.
    @Test func theFleetSeesTheChangeThroughSubmitsCheckout() throws {
        let (repository, first) = try project()
        let root = repository.root
        let home = Testfleet.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: root)
            try? FileManager.default.removeItem(atPath: home)
        }
        let endpoint = "ipc://\(home)/c.sock"
        var processes = [try Testfleet.start(["coordinator", "--bind", endpoint, "--db", "c.db", "--heartbeat-ms", "200"], in: home)]
        defer { for process in processes { process.signal(SIGKILL) } }
        for i in 1...2 {
            processes.append(try Testfleet.start(["worker", "--connect", endpoint, "--id", "w\(i)", "--slots", "1",
                                                  "--heartbeat-ms", "200", "--cache", home + "/cache\(i)"], in: home))
        }
        try checkTheLapse(repository, first: first) { build, commit in
            let checkout = home + "/ci-" + build
            try GitFixture.git(["clone", "-q", "--depth", "1", "file://" + root, checkout], in: home)
            #expect(try GitFixture.git(["rev-parse", "HEAD"], in: checkout).trimmingCharacters(in: .whitespacesAndNewlines) == commit)
            let finished = try Testfleet.run(
                ["submit", "--coordinator", endpoint, "--suite", "testfleet.toml", "--build", build, "--commit", commit,
                 "--repository", root, "--quiet"], in: checkout, timeout: 300)
            #expect(finished.code == 1, "\(finished.stderr)")
            #expect(!finished.stderr.contains("did not name the suite's previous build"), "\(finished.stderr)")
            return try Store(path: home + "/c.db").results(build: build).filter { $0.test == Self.broken }.map(\.attempt).max()
        }
    }
}
