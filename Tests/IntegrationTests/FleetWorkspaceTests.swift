import Foundation
import TestSupport
import Testing

/// A fleet with no shared checkout: a coordinator and three workers, each in a temporary
/// directory of its own with its own cache, and CI clones that submit commits of a bare
/// repository at the same time. Workers get the code from git (or, with `--bundle`, through
/// the coordinator while the repository is out of their reach) and run the suite's `setup` once
/// per commit.
@Suite(.serialized) struct FleetWorkspaceTests {
    let directory = Testfleet.temporaryDirectory()

    /// Commits A (green), B (breaks `multiplies`), C (fixes it) in a bare repository.
    func repository() throws -> (bare: String, commits: [String]) {
        let setupLog = directory + "/setups.log"
        let dev = try GitFixture()
        var files = [
            "testfleet.toml": """
                [[suite]]
                name = "checks"
                adapter = "shell"
                dir = "checks"
                setup = "echo \\"$PWD\\" >> \(setupLog) && cp answer.txt built.txt"

                [suite.tests]
                adds = "test \\"$(cat built.txt)\\" = 42"
                multiplies = "test \\"$(cat product.txt)\\" = 6"
                greets = "grep -q hello greeting.txt"
                """,
            "checks/answer.txt": "42\n", "checks/product.txt": "6\n", "checks/greeting.txt": "hello\n",
        ]
        for i in 1...9 { files["testfleet.toml"]! += "\nfile\(i) = \"test -s greeting.txt && sleep 0.1\"" }
        try dev.write(files)
        let a = try dev.commit("A: green")
        try dev.write(["checks/product.txt": "7\n"])
        let b = try dev.commit("B: breaks multiplies")
        try dev.write(["checks/product.txt": "6\n"])
        let c = try dev.commit("C: fixes it")
        let bare = directory + "/origin.git"
        try dev.git("clone", "-q", "--bare", dev.root, bare)
        return (bare, [a, b, c])
    }

    func clone(_ bare: String, at commit: String, as name: String) throws -> String {
        let path = directory + "/" + name
        try git(["clone", "-q", bare, path], in: directory)
        try git(["checkout", "-q", "--detach", commit], in: path)
        try git(["config", "user.email", "ci@testfleet.invalid"], in: path)
        try git(["config", "user.name", "CI"], in: path)
        return path
    }

    @discardableResult
    func git(_ arguments: [String], in directory: String) throws -> String {
        try GitFixture.git(arguments, in: directory).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// What a running process wrote to stderr so far (without stopping it).
    func log(of process: Testfleet.Running) -> String { (try? String(contentsOfFile: process.stderrPath, encoding: .utf8)) ?? "" }

    /// Starts a coordinator and three workers, each in its own directory with its own cache.
    func fleet(_ name: String) throws -> (endpoint: String, processes: [Testfleet.Running], workers: [Testfleet.Running]) {
        let home = directory + "/\(name)-coordinator"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let endpoint = "ipc://\(home)/c.sock"
        let coordinator = try Testfleet.start(["coordinator", "--bind", endpoint, "--db", "c.db", "--heartbeat-ms", "200"], in: home)
        let workers = try (1...3).map { i in
            let home = directory + "/\(name)-worker\(i)"
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
            return try Testfleet.start(["worker", "--connect", endpoint, "--id", "\(name)-w\(i)", "--slots", "2",
                                        "--heartbeat-ms", "200", "--cache", home + "/cache"], in: home)
        }
        return (endpoint, [coordinator] + workers, workers)
    }

    func submitAll(_ clones: [String], endpoint: String, extra: [String]) throws -> [Testfleet.Finished] {
        let running = try clones.enumerated().map { i, clone in
            try Testfleet.start(["submit", "--coordinator", endpoint, "--suite", "testfleet.toml", "--build", "build-\(i)",
                                 "--retries", "1", "--confirm-runs", "0", "--json", "verdict.json", "--quiet"] + extra, in: clone)
        }
        return running.map { $0.wait(timeout: 120) }
    }

    func failures(in clone: String) throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: clone + "/verdict.json"))
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return (json?["failures"] as? [[String: Any]] ?? []).compactMap { $0["test"] as? String }
    }

    /// Each worker's log lines of one kind, counted per commit.
    func counts(_ workers: [Testfleet.Running], of phrase: String, commits: [String]) -> [[Int]] {
        workers.map { worker in
            let lines = log(of: worker).split(separator: "\n").filter { $0.contains(phrase) }
            return commits.map { commit in lines.filter { $0.contains(commit) }.count }
        }
    }

    func checkVerdicts(_ finished: [Testfleet.Finished], clones: [String]) throws {
        #expect(finished.map(\.code) == [0, 1, 0], "\(finished.map(\.stderr))")
        #expect(try failures(in: clones[0]).isEmpty)
        #expect(try failures(in: clones[1]) == ["multiplies"])
        #expect(try failures(in: clones[2]).isEmpty)
    }

    /// Setup ran exactly once per worker and commit it ran tests of (the setup log holds one
    /// line per run: the checkout's path, which names the worker's cache and the commit).
    func checkSetupsOncePerCommit(cachePrefix: String, commits: [String]) throws {
        let lines = try String(contentsOfFile: directory + "/setups.log", encoding: .utf8).split(separator: "\n")
        var perWorkerAndCommit: [String: Int] = [:]
        for line in lines where line.contains(cachePrefix) {
            let worker = line.split(separator: "/").first { $0.hasPrefix(cachePrefix) }.map(String.init) ?? "?"
            let commit = commits.first { line.contains($0) } ?? "?"
            perWorkerAndCommit[worker + " " + commit, default: 0] += 1
        }
        #expect(!perWorkerAndCommit.isEmpty)
        #expect(perWorkerAndCommit.values.allSatisfy { $0 == 1 }, "\(perWorkerAndCommit)")
    }

    @Test func threeCommitsFromGitOnThreeWorkersWithNoSharedCheckout() throws {
        let (bare, commits) = try repository()
        let clones = try commits.enumerated().map { i, commit in try clone(bare, at: commit, as: "ci-git-\(i)") }
        let (endpoint, processes, workers) = try fleet("git")
        defer { for process in processes { process.signal(SIGKILL) } }
        let finished = try submitAll(clones, endpoint: endpoint, extra: [])
        try checkVerdicts(finished, clones: clones)
        let fetches = counts(workers, of: "fetched commit", commits: commits)
        #expect(fetches.allSatisfy { $0.allSatisfy { $0 <= 1 } }, "\(fetches)")
        #expect(fetches.joined().reduce(0, +) >= 3, "every commit was fetched by some worker: \(fetches)")
        try checkSetupsOncePerCommit(cachePrefix: "git-worker", commits: commits)

        // A setup that fails everywhere ends the build with exit 3 and its output, no test failure.
        let ci = clones[0]
        let toml = try String(contentsOfFile: ci + "/testfleet.toml", encoding: .utf8)
        try toml.replacingOccurrences(of: "setup = \"", with: "setup = \"echo pip-could-not-install >&2; exit 4; ")
            .write(toFile: ci + "/testfleet.toml", atomically: true, encoding: .utf8)
        try git(["commit", "-q", "-am", "D: broken setup"], in: ci)
        let broken = try git(["rev-parse", "HEAD"], in: ci)
        try git(["push", "-q", "origin", "HEAD:refs/heads/broken"], in: ci)
        let failed = try Testfleet.run(["submit", "--coordinator", endpoint, "--suite", "testfleet.toml", "--build", "broken",
                                        "--commit", broken, "--quiet"], in: ci, timeout: 60)
        #expect(failed.code == 3, "\(failed.stdout) \(failed.stderr)")
        #expect((failed.stdout + failed.stderr).contains("pip-could-not-install"), "\(failed.stdout) \(failed.stderr)")
        #expect(!failed.stdout.contains("\"failures\":[{"), "a failing setup is not a test failure: \(failed.stdout)")
    }

    @Test func threeCommitsAsBundlesWhenWorkersCannotReachTheRepository() throws {
        let (bare, commits) = try repository()
        let clones = try commits.enumerated().map { i, commit in try clone(bare, at: commit, as: "ci-bundle-\(i)") }
        // Out of the workers' reach: the CI clones keep their copies, the repository is gone.
        try FileManager.default.moveItem(atPath: bare, toPath: bare + ".away")
        let (endpoint, processes, workers) = try fleet("bundle")
        defer { for process in processes { process.signal(SIGKILL) } }
        let finished = try submitAll(clones, endpoint: endpoint, extra: ["--bundle"])
        try checkVerdicts(finished, clones: clones)
        let unpacked = counts(workers, of: "unpacked bundle", commits: commits)
        #expect(unpacked.allSatisfy { $0.allSatisfy { $0 <= 1 } }, "\(unpacked)")
        #expect(unpacked.joined().reduce(0, +) >= 3, "\(unpacked)")
        let received = workers.map { log(of: $0).split(separator: "\n").filter { $0.contains("received bundle") } }
        #expect(received.allSatisfy { Set($0).count == $0.count }, "each bundle reached each worker once: \(received)")
        #expect(workers.allSatisfy { !log(of: $0).contains("fetched commit") })
        try checkSetupsOncePerCommit(cachePrefix: "bundle-worker", commits: commits)
    }
}
