public import Model

/// A **synthetic** CI history with pull-request branches beside main, with ground truth, for
/// `bench/run branch-gate-eval`: main builds one commit after another; PRs branch from a main
/// commit, push one to four times (each push a build, interleaved with main's), and a share of
/// them break one or two of a few "hot" tests on their own commits, most fixing it before their
/// last push. Independent flaky tests (log-uniform 0.1 %–50 %) run everywhere, and one hot test
/// finally breaks on main itself. Failed attempts are retried.
public struct SyntheticBranchHistory: Sendable {
    public struct Parameters: Sendable, Hashable {
        public var tests = 1_500
        public var mainCommits = 90
        /// Pull requests opened over the history (about 2.5 pushes each).
        public var pullRequests = 64
        public var hotTests = 30
        /// Share of PRs that break one or two hot tests.
        public var breakingShare = 0.4
        /// Share of breaking PRs that fix their break before their last push.
        public var fixingShare = 0.7
        public var flakyShare = 0.03
        public var retries = 2
        public var seed: UInt64 = 1

        public init() {}
    }

    /// One build: where it sits in git, and each test's attempts in order.
    public struct Build: Sendable {
        public var id: String
        public var branch: String
        public var commit: String
        /// The merge-base with main (main builds: their own commit).
        public var base: String
        public var attempts: [[Outcome]]
        /// Tests really failing every attempt here (a PR's own break, or main's break).
        public var broken: Set<Int>
    }

    public var parameters: Parameters
    public var testNames: [String]
    /// Per test: its per-attempt flake rate (0: not flaky).
    public var flakeRates: [Double]
    public var hotTests: [Int]
    /// The hot test that breaks on main, and the main commit index that breaks it.
    public var mainBreakTest: Int
    public var mainBreakCommit: Int
    /// In the order CI ran them (and the bench ingests them).
    public var builds: [Build]

    /// Hot tests some PR broke and main never did: the ones that must never be called flaky.
    public var prOnlyBroken: Set<Int> {
        var broken = Set<Int>()
        for build in builds where build.branch != "main" { broken.formUnion(build.broken) }
        broken.remove(mainBreakTest)
        return broken
    }

    public init(_ parameters: Parameters = Parameters()) {
        self.parameters = parameters
        var random = SyntheticRandom(seed: parameters.seed ^ 0xB4A2C4)
        let count = parameters.tests
        testNames = (0..<count).map { "synthetic.branchy_\(format3($0 / 50))::test_\(format5($0))" }
        flakeRates = (0..<count).map { _ in random.chance(parameters.flakyShare) ? random.logUniform(0.001, 0.5) : 0 }
        var hot: [Int] = []
        while hot.count < min(parameters.hotTests, count) {
            let candidate = random.int(0...(count - 1))
            if flakeRates[candidate] == 0 && !hot.contains(candidate) { hot.append(candidate) }
        }
        hotTests = hot
        let mainBreakTest = hot[0]
        let mainBreakCommit = parameters.mainCommits * 2 / 3 + random.int(0...(parameters.mainCommits / 6))
        self.mainBreakTest = mainBreakTest
        self.mainBreakCommit = mainBreakCommit
        let mainSHAs = (0..<parameters.mainCommits).map { "m" + String(SeededRandom.bits(seed: parameters.seed, index: UInt64($0), stream: 91), radix: 16).prefix(12) }

        // Each PR: the main commit it branches from, its pushes (main commits after which they
        // run), and the hot tests it breaks with the push that fixes them (nil: never).
        struct PullRequest { var number: Int; var base: Int; var pushes: [Int]; var breaks: [Int]; var fixedAt: Int? }
        var pullRequests: [PullRequest] = []
        for number in 1...parameters.pullRequests {
            let base = random.int(0...(parameters.mainCommits - 2))
            let pushCount = random.int(1...4)
            var at = base
            let pushes = (0..<pushCount).map { _ in
                at = min(at + random.int(0...2), parameters.mainCommits - 1)
                return at
            }
            var breaks: [Int] = [], fixedAt: Int?
            if random.chance(parameters.breakingShare) {
                breaks = (0..<random.int(1...2)).map { _ in hot[random.int(1...(hot.count - 1))] }
                if pushCount > 1 && random.chance(parameters.fixingShare) { fixedAt = random.int(1...(pushCount - 1)) }
            }
            pullRequests.append(PullRequest(number: number, base: base, pushes: pushes, breaks: breaks, fixedAt: fixedAt))
        }

        var builds: [Build] = []
        let rates = flakeRates
        func run(id: String, branch: String, commit: String, base: String, broken: Set<Int>) -> Build {
            let attempts = (0..<count).map { test -> [Outcome] in
                let rate = broken.contains(test) ? 1 : rates[test]
                var outcomes: [Outcome] = []
                for _ in 0...parameters.retries {
                    let failed = random.unit() < rate
                    outcomes.append(failed ? .failed : .passed)
                    if !failed { break }
                }
                return outcomes
            }
            return Build(id: id, branch: branch, commit: commit, base: base, attempts: attempts, broken: broken)
        }
        for commit in 0..<parameters.mainCommits {
            let mainBroken: Set<Int> = commit >= mainBreakCommit ? [mainBreakTest] : []
            builds.append(run(id: "main-\(format3(commit))", branch: "main", commit: mainSHAs[commit], base: mainSHAs[commit],
                              broken: mainBroken))
            for pr in pullRequests {
                for (push, at) in pr.pushes.enumerated() where at == commit {
                    var broken = Set(pr.fixedAt.map { push < $0 } ?? true ? pr.breaks : [])
                    if pr.base >= mainBreakCommit { broken.insert(mainBreakTest) }
                    let sha = "p\(pr.number)x" + String(SeededRandom.bits(seed: parameters.seed, index: UInt64(pr.number * 10 + push), stream: 92), radix: 16).prefix(10)
                    builds.append(run(id: "pr\(pr.number)-\(push + 1)", branch: "pr/\(pr.number)", commit: sha,
                                      base: mainSHAs[pr.base], broken: broken))
                }
            }
        }
        self.builds = builds
    }
}
