import Foundation
import Model
import TestSupport
import Testing
import Wire
import Workspaces

/// The worker's cache against real git repositories and real setup commands.
@Suite struct WorkspaceCacheTests {
    let cacheRoot = FileManager.default.temporaryDirectory.appendingPathComponent("testfleet-cache-\(UUID().uuidString)").path

    func cache(limit: Int64 = 0, log: @escaping @Sendable (String) -> Void = { _ in }) -> WorkspaceCache {
        WorkspaceCache(root: cacheRoot, limitBytes: limit, log: log)
    }

    func repository() throws -> (GitFixture, String, String) {
        let repo = try GitFixture()
        try repo.write(["app/version.txt": "one\n", "README": "fixture\n"])
        let first = try repo.commit("first")
        try repo.write(["app/version.txt": "two\n"])
        let second = try repo.commit("second")
        return (repo, first, second)
    }

    @Test func checksOutEachCommitFromOneMirrorAndFetchesOnce() throws {
        defer { try? FileManager.default.removeItem(atPath: cacheRoot) }
        let (repo, first, second) = try repository()
        let lines = LogLines()
        let cache = cache(log: lines.append)
        let a = try cache.acquire(WorkspaceSource(commit: first, repository: repo.root))
        let b = try cache.acquire(WorkspaceSource(commit: second, repository: repo.root))
        let again = try cache.acquire(WorkspaceSource(commit: first, repository: repo.root))
        #expect(a == again)
        #expect(try String(contentsOfFile: a + "/app/version.txt", encoding: .utf8) == "one\n")
        #expect(try String(contentsOfFile: b + "/app/version.txt", encoding: .utf8) == "two\n")
        #expect(lines.all.filter { $0.hasPrefix("fetched commit") }.count == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cacheRoot + "/git").count == 1)
    }

    @Test func anUnknownCommitOrAnUnreachableRepositoryIsAnInfrastructureError() throws {
        defer { try? FileManager.default.removeItem(atPath: cacheRoot) }
        let (repo, first, _) = try repository()
        let missing = String(repeating: "ab", count: 20)
        let error = #expect(throws: TestfleetError.self) { try cache().acquire(WorkspaceSource(commit: missing, repository: repo.root)) }
        #expect(error?.code == .infrastructure)
        #expect(error?.message.contains(missing) == true)
        let unreachable = #expect(throws: TestfleetError.self) {
            try cache().acquire(WorkspaceSource(commit: first, repository: repo.root + "-nowhere"))
        }
        #expect(unreachable?.code == .infrastructure)
        let short = #expect(throws: TestfleetError.self) { try cache().acquire(WorkspaceSource(commit: "HEAD", repository: repo.root)) }
        #expect(short?.message.contains("full SHA") == true)
    }

    @Test func aBundleIsCheckedAgainstItsAddressAndUnpackedOnce() throws {
        defer { try? FileManager.default.removeItem(atPath: cacheRoot) }
        let (repo, first, second) = try repository()
        let bundle = try SourceBundle.make(commit: first, in: repo.root)
        #expect(bundle.address.hasPrefix("sha256-"))
        let cache = cache()
        let tree = try cache.acquire(WorkspaceSource(commit: first, bundle: bundle.address, bundleData: bundle.bytes))
        #expect(try String(contentsOfFile: tree + "/app/version.txt", encoding: .utf8) == "one\n")
        // The bytes come once; later grants name the address only.
        cache.release(first)
        #expect(try cache.acquire(WorkspaceSource(commit: first, bundle: bundle.address)) == tree)
        // Bytes that do not match their address are refused.
        var corrupt = bundle.bytes
        corrupt[corrupt.count - 1] ^= 0xff
        let error = #expect(throws: TestfleetError.self) {
            try cache.acquire(WorkspaceSource(commit: second, bundle: bundle.address, bundleData: corrupt))
        }
        #expect(error?.message.contains("corrupt") == true)
        // A bundle this worker never got cannot be unpacked.
        let other = try SourceBundle.make(commit: second, in: repo.root)
        let missing = #expect(throws: TestfleetError.self) { try cache.acquire(WorkspaceSource(commit: second, bundle: other.address)) }
        #expect(missing?.message.contains("not in this worker's cache") == true)
    }

    @Test func setupRunsOncePerCommitAndSuiteAndAFailureCarriesItsOutput() throws {
        defer { try? FileManager.default.removeItem(atPath: cacheRoot) }
        let (repo, first, second) = try repository()
        let counter = cacheRoot + "-setups.txt"
        defer { try? FileManager.default.removeItem(atPath: counter) }
        let cache = cache()
        var suite = SuiteDefinition(name: "app", adapter: .shell, directory: "/nowhere")
        suite.repositoryPath = "app"
        suite.setup = "cat version.txt >> \(counter)"
        for commit in [first, first, second, first] {
            let tree = try cache.acquire(WorkspaceSource(commit: commit, repository: repo.root))
            #expect(try cache.prepare(suite, checkout: tree, commit: commit) == tree + "/app")
            cache.release(commit)
        }
        #expect(try String(contentsOfFile: counter, encoding: .utf8) == "one\ntwo\n")

        suite.name = "broken"
        suite.setup = "echo installing; echo 'no such package' >&2; exit 7"
        let tree = try cache.acquire(WorkspaceSource(commit: first, repository: repo.root))
        let error = #expect(throws: TestfleetError.self) { try cache.prepare(suite, checkout: tree, commit: first) }
        #expect(error?.code == .infrastructure)
        #expect(error?.message.contains("exited with status 7") == true)
        #expect(error?.message.contains("no such package") == true)

        suite.setup = "sleep 5"
        suite.setupTimeout = 0.3
        let slow = #expect(throws: TestfleetError.self) { try cache.prepare(suite, checkout: tree, commit: first) }
        #expect(slow?.message.contains("timed out") == true)
    }

    @Test func leastRecentlyUsedCheckoutsAreEvictedButNotOnesInUse() throws {
        defer { try? FileManager.default.removeItem(atPath: cacheRoot) }
        let repo = try GitFixture()
        var commits: [String] = []
        for i in 0..<3 {
            // Incompressible-ish content so each checkout has a known size (~400 KB; the mirror holds them compressed).
            try repo.write(["blob.txt": (0..<100_000).map { _ in String(UInt32.random(in: 0...UInt32.max) % 1000 + UInt32(i)) }.joined(separator: "\n")])
            commits.append(try repo.commit("c\(i)"))
        }
        let cache = cache(limit: 1_200_000)
        let held = try cache.acquire(WorkspaceSource(commit: commits[0], repository: repo.root))  // held throughout
        for commit in commits.dropFirst() {
            _ = try cache.acquire(WorkspaceSource(commit: commit, repository: repo.root))
            cache.release(commit)
            Thread.sleep(forTimeInterval: 0.02)
        }
        #expect(FileManager.default.fileExists(atPath: held + "/blob.txt"))
        let trees = try FileManager.default.contentsOfDirectory(atPath: cacheRoot + "/trees")
        #expect(trees.contains(commits[0]))
        #expect(trees.count < 3)
    }

    @Test func sha256MatchesKnownDigests() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array(repeating: 0x61, count: 1000)).hasPrefix("41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"))
    }
}

/// Log lines collected from the cache's log callback.
final class LogLines: @unchecked Sendable {
    private var lines: [String] = []
    private let lock = NSLock()
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
