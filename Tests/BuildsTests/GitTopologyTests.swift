import Analyzer
import Builds
import Foundation
import Model
import Store
import TestSupport
import Testing

/// Commit order from git ancestry, on a real repository: a PR branched from an older main commit
/// and merged later, main's builds arriving out of order. Latest-green and broken-since on main
/// follow the first-parent line, not the order builds were recorded in.
@Suite struct GitTopologyTests {
    let directory: String
    let store: Store
    let repository: GitFixture

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-topology-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store = try Store(path: directory + "/d.db")
        repository = try GitFixture()
    }

    /// Ingests one build of `commit` on `branch` through the lifecycle, placed in git from the
    /// fixture checkout: twenty stable tests pass, `suite::hot` passes or fails all 3 attempts.
    func build(_ id: String, commit: String, branch: String, hotFails: Bool) throws {
        let spec = BuildLifecycle.placeInGit(BuildSpec(id: id, suite: "junit:\(id).xml", commit: commit, branch: branch),
                                             directory: repository.root)
        var cases: [[TestResult]] = (0..<20).map { index in
            [TestResult(test: "suite::stable_\(index)", attempt: 1, outcome: .passed, duration: 0.1, worker: "ci", arch: .x86_64)]
        }
        cases.append((1...(hotFails ? 3 : 1)).map { attempt in
            TestResult(test: "suite::hot", attempt: attempt, outcome: hotFails ? .failed : .passed, duration: 0.1,
                       worker: "ci", arch: .x86_64)
        })
        _ = try BuildLifecycle(store: store, refresh: nil).ingest(cases, into: spec)
    }

    func commit(_ name: String) throws -> String {
        try repository.write(["\(name).txt": name])
        return try repository.commit(name)
    }

    @Test func latestGreenAndBrokenSinceFollowAncestryNotBuildOrder() throws {
        var main: [String] = []
        for number in 1...4 {
            main.append(try commit("m\(number)"))
            try build("main-\(number)", commit: main.last!, branch: "main", hotFails: false)
        }
        // A PR branched from m4 breaks the hot test; its build is read against m4.
        try repository.git("checkout", "-q", "-b", "pr/1")
        let prCommit = try commit("p1")
        try build("pr-1", commit: prCommit, branch: "pr/1", hotFails: true)
        // Main moves on (m5, m6); m6's build finishes first, then the PR is merged anyway (m7).
        try repository.git("checkout", "-q", "main")
        main.append(try commit("m5"))
        main.append(try commit("m6"))
        try build("main-6", commit: main[5], branch: "main", hotFails: false)
        try repository.git("merge", "-q", "--no-ff", "-m", "m7: merge pr/1", "pr/1")
        main.append(try repository.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines))
        try build("main-7", commit: main[6], branch: "main", hotFails: true)
        // m5's build arrives late (a slow runner), and main stays broken after the merge.
        try build("main-5", commit: main[4], branch: "main", hotFails: false)
        for number in 8...9 {
            main.append(try commit("m\(number)"))
            try build("main-\(number)", commit: main.last!, branch: "main", hotFails: true)
        }

        let builds = try store.buildHistory()
        let pr = try #require(builds.first { $0.id == "pr-1" })
        #expect(pr.base == main[3], "a PR build's base is its merge-base with main")
        #expect(pr.commitPosition == nil)
        #expect(builds.first { $0.id == "main-7" }?.commitPosition == 7, "the merge sits 7th on main's first-parent line")
        #expect(builds.first { $0.id == "main-5" }?.commitPosition == 5)

        // Latest green on main: m6 (m7 and later fail), though m5's passing build came last.
        let history = AttemptHistory(stored: StoredHistory(builds: builds))
        #expect(history.commitSHAs.prefix(main.count) == ArraySlice(main))
        #expect(CommitOrder.latestGreen(history.builds, branch: "main")?.sha == main[5])

        // Broken since the merge m7, last passing m6; not a flaky flip from m7 to the late m5.
        let (_, analysis) = try FlakyAnalyzer.analyze(store: store)
        let hot = try #require(analysis.tests.first { $0.name == "suite::hot" })
        #expect(hot.state == .broken)
        #expect(hot.sinceCommit == main[6])
        #expect(hot.latestBreak?.lastPassingCommit == main[5])
        #expect(hot.flakyFailures == 0)

        // The same builds without their git positions (first sight on main): m5 sits after m7,
        // so latest-green would wrongly name m5 — what ancestry corrects.
        let unplaced = builds.map { build -> StoredHistory.Build in
            var build = build
            build.commitPosition = nil
            return build
        }
        let byArrival = AttemptHistory(stored: StoredHistory(builds: unplaced))
        #expect(CommitOrder.latestGreen(byArrival.builds, branch: "main")?.sha == main[4])
    }

    @Test func outsideARepositoryTheSpecIsKeptAsGiven() throws {
        let spec = BuildSpec(id: "b", suite: "junit:x.xml", commit: "abc123", branch: "main")
        let placed = BuildLifecycle.placeInGit(spec, directory: directory)
        #expect(placed == spec)
        // A checkout that does not hold the commit places nothing either.
        _ = try commit("m1")
        #expect(BuildLifecycle.placeInGit(spec, directory: repository.root) == spec)
    }
}
