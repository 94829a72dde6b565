import Foundation
import Testing
import Store
import TestSupport

/// Arch pinning through a real `coordinator`, one `worker --arch x86_64`, one `worker --arch
/// aarch64` and `submit`: a pinned test runs only on its arch, an `every`-arch test once per arch
/// (as `name@arch`), with and without impact selection.
@Suite(.serialized) struct ArchPinningTests {
    static let suiteFile = """
        [[suite]]
        name = "x86"
        adapter = "shell"
        arch = "x86_64"
        [suite.tests]
        x1 = "true"
        x2 = "true"

        [[suite]]
        name = "arm"
        adapter = "shell"
        arch = "aarch64"
        [suite.tests]
        a1 = "true"
        a2 = "true"

        [[suite]]
        name = "both"
        adapter = "shell"
        arch = "every"
        [suite.tests]
        e1 = "true"
        e2 = "true"

        [rules.paths]
        "x86.txt" = ["x86"]
        "arm.txt" = ["arm::a1"]
        "both.txt" = ["both::e1"]

        """

    /// Starts the service (coordinator + one worker per arch) in `directory`, runs `submit` with
    /// `extra` arguments, and returns each stored test's (worker, arch) and the submit result.
    func submit(in directory: String, build: String, _ extra: [String] = []) throws
        -> (placed: [String: [String]], finished: Testfleet.Finished)
    {
        let endpoint = "ipc://\(directory)/c.sock"
        let coordinator = try Testfleet.start(["coordinator", "--bind", endpoint, "--db", "d.db"], in: directory)
        let workers = try [("wx", "x86_64"), ("wa", "aarch64")].map { id, arch in
            try Testfleet.start(["worker", "--connect", endpoint, "--id", id, "--arch", arch], in: directory)
        }
        defer {
            for worker in workers { worker.signal(SIGKILL) }
            coordinator.signal(SIGKILL)
            for process in workers + [coordinator] { _ = process.wait(timeout: 10) }
        }
        let finished = try Testfleet.run(
            ["submit", "--coordinator", endpoint, "--suite", "testfleet.toml", "--build", build, "--quiet"] + extra,
            in: directory, timeout: 300)
        var placed: [String: [String]] = [:]
        for result in try Store(path: directory + "/d.db").results(build: build) {
            placed[result.test, default: []].append("\(result.worker)/\(result.arch)")
        }
        return (placed, finished)
    }

    @Test func pinnedTestsRunOnlyOnTheirArchAndEveryArchTestsOncePerArch() throws {
        let directory = Testfleet.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.suiteFile.write(toFile: directory + "/testfleet.toml", atomically: true, encoding: .utf8)
        let (placed, finished) = try submit(in: directory, build: "arch")
        #expect(finished.code == 0, "\(finished.stdout) \(finished.stderr)")
        #expect(placed == [
            "x1": ["wx/x86_64"], "x2": ["wx/x86_64"], "a1": ["wa/aarch64"], "a2": ["wa/aarch64"],
            "e1@x86_64": ["wx/x86_64"], "e1@aarch64": ["wa/aarch64"],
            "e2@x86_64": ["wx/x86_64"], "e2@aarch64": ["wa/aarch64"],
        ])
    }

    @Test func aFailingPinnedTestIsRetriedOnTheOnlyWorkerOfItsArch() throws {
        // Retries prefer another worker; when no other worker has the test's arch, waiting for
        // one would hang the build forever.
        let directory = Testfleet.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let suite = """
            [[suite]]
            name = "arm"
            adapter = "shell"
            arch = "aarch64"
            [suite.tests]
            broken = "false"
            fine = "true"

            """
        try suite.write(toFile: directory + "/testfleet.toml", atomically: true, encoding: .utf8)
        let (placed, finished) = try submit(in: directory, build: "pinned-retry", ["--retries", "2"])
        #expect(finished.code == 1, "\(finished.stdout) \(finished.stderr)")
        // 3 attempts and the 5 default confirmation runs, all on the only aarch64 worker.
        #expect(placed == ["broken": Array(repeating: "wa/aarch64", count: 8), "fine": ["wa/aarch64"]])
    }

    @Test func selectionThroughSubmitKeepsPinningAndBothArchCopies() throws {
        let repository = try GitFixture(root: Testfleet.temporaryDirectory())
        let directory = repository.root
        try repository.write(["testfleet.toml": Self.suiteFile, ".gitignore": "*.db*\nout-*.txt\nerr-*.txt\n*.sock\n",
                              "x86.txt": "1\n", "arm.txt": "1\n", "both.txt": "1\n"])
        let base = try repository.commit("A")
        try repository.write(["arm.txt": "2\n", "both.txt": "2\n"])
        let head = try repository.commit("B")
        let (placed, finished) = try submit(in: directory, build: "arch-selected", ["--base", base, "--head", head])
        #expect(finished.code == 0, "\(finished.stdout) \(finished.stderr)")
        // arm.txt selects arm::a1 (aarch64 only); both.txt selects both::e1, run once per arch.
        #expect(placed == ["a1": ["wa/aarch64"], "e1@x86_64": ["wx/x86_64"], "e1@aarch64": ["wa/aarch64"]])
        let selection = try #require(try Store(path: directory + "/d.db").selection(build: "arch-selected"))
        #expect(selection.selectedCount == 2)
        #expect(Set(selection.skipped.map(\.test)) == ["x1", "x2", "a2", "e2"])
    }
}
