public import Model
public import Analyzer

/// A **synthetic** CI history with ground truth, for `bench/run flaky-eval`: independent flaky
/// tests (0.1 %–50 %), bursty ones, aarch64-only ones, order-dependent ones, tests broken at
/// commit X and fixed at Y, tests written broken and fixed into flaky ones, infrastructure-outage builds, a worker that goes bad for a while,
/// and ambient noise. Failed attempts are retried (on another worker, alternating arch).
///
/// Generation is separate from evaluation: `history` is what a store would hold, `truth` and
/// `buildTruth` are what only the generator knows. `results(ofBuild:)` gives a build's attempts
/// as `TestResult`s, for routing through the real ingest path.
public struct SyntheticFlakyHistory: Sendable {
    public struct Parameters: Sendable, Hashable {
        public var tests = 5_000
        public var builds = 240
        public var seed: UInt64 = 1
        public var workersPerArch = 6
        /// Retries after a failed attempt, all at once (as the coordinator sends them), so all of
        /// them are recorded.
        public var retries = 2
        /// Ordinary retries one after another, stopping at the first pass (the coordinator before
        /// it sent them side by side), for comparison. Both ways draw every ordinary retry, so the
        /// two histories share one random stream and differ only by the runs not recorded.
        public var retriesOneByOne = false
        /// Confirmation runs for a test that failed all `1 + retries` attempts, as the coordinator
        /// gives them (`BuildSpec.confirmAttempts`): all at once, so all of them are recorded.
        public var confirmRetries = 5
        /// Tests per build that get confirmation runs (`BuildSpec.confirmLimit`).
        public var confirmLimit = 10
        /// Known breaks get confirmation runs too (the coordinator before `TestCase.knownBreak`),
        /// for comparison: by default a test whose every recorded run failed, at least
        /// `1 + retries + confirmRetries` of them, gets none, and, having no flaky record, ends
        /// the build's confirmation runs once it failed its ordinary attempts.
        public var confirmKnownBreaks = false
        /// Ordinary retries of a known break, at most (`BuildState.ordinaryAttempts`: one). Set
        /// to `retries` for the coordinator before that rule.
        public var knownBreakRetries = 1
        /// Ordinary retries, at most, of a test expected to fail that is not a known break yet (it
        /// failed every attempt of the previous build, never passed, and no fix came since:
        /// `BuildState.ordinaryAttempts`): one, its confirmation runs kept. Set to `retries` for
        /// the coordinator before that rule, for comparison.
        public var expectedToFailRetries = 1
        /// A known break stays one only while nothing it depends on changed (`KnownBreakLapse`):
        /// here, while its fix commit is not among the commits since the previous build. False:
        /// the rule where no commits are known (no `--commit`, or the previous one out of reach).
        public var knownBreaksSeeChanges = true
        /// A test that failed every confirmation run and has no flaky record (it did not both
        /// fail and pass in earlier builds: the gate cannot excuse it, `Store.mayExcuseFailure`)
        /// ends the build's confirmation runs: the tests after it (in test order, standing for the
        /// coordinator's order of time) get none (`BuildState.stopConfirming`).
        public var stopConfirmingOnceLost = true
        /// Once the build cannot pass, failing tests past this many retried ones get no retries
        /// if they never passed (`BuildState.retriedTestsOnceLost`, `TestCase.neverPassed`; in
        /// the first build, if they fail of a cause another failure shares: the tests broken
        /// there, when two or more are); nil: every failing test gets them (the coordinator before
        /// that rule), for comparison.
        public var retriedTestsOnceLost: Int? = 10
        /// A test expected to fail (it failed every attempt of the previous build, never passed,
        /// and no fix came since: `BuildState.queueEarlyRetries`) gets its ordinary retries with
        /// its first attempt, for the first `retriedTestsOnceLost` (or 10) retried tests of a
        /// build: drawn as if all of them ran before the first attempt reported, so a first
        /// attempt that passes has them recorded too (the most the coordinator records). False:
        /// the coordinator before it (retries only after a failed first attempt), for comparison.
        public var earlyRetries = true
        public var flakyShare = 0.03
        public var burstyShare = 0.005
        public var aarch64FlakyShare = 0.005
        public var orderDependentShare = 0.005
        public var brokenShare = 0.005
        /// Tests written broken (added between 10 % and 80 % of the history, never passing), fixed
        /// into flaky ones 2–20 commits later (`SyntheticTruth.Kind.bornBroken`).
        public var bornBrokenShare = 0.001
        /// Share of builds that are infrastructure outages (most attempts fail).
        public var outageShare = 0.02
        /// Per-attempt failures nobody's test causes (a killed pod).
        public var ambientFailureRate = 2e-5
        /// Builds (as a share of the history) during which one worker fails 70 % of what it runs.
        public var badWorkerWindow = 0.45...0.55

        public init() {}
    }

    public var parameters: Parameters
    public var history: AttemptHistory
    /// Indexed by test id.
    public var truth: [SyntheticTruth]
    /// Indexed by build index.
    public var buildTruth: [SyntheticBuildTruth]
    /// The worker that went bad, and the builds during which it was bad.
    public var badWorker: String
    public var badWorkerBuilds: Range<Int>
    /// Times a known break failed its ordinary attempts and got no confirmation runs.
    public var knownBreakSkips = 0
    /// Per test: the flaky kinds' rate, a bursty test's bursts (builds) and its rate inside them.
    var baseRates: [Double]
    var bursts: [[Range<Int>]]
    var burstRates: [Double]

    /// Whether the generator made this attempt fail for infrastructure reasons (an outage build,
    /// or the bad worker during its bad spell), whatever the test's own kind.
    public func isInfrastructureAttempt(_ record: AttemptRecord) -> Bool {
        buildTruth[Int(record.build)].outage
            || (history.workerNames[Int(record.worker)] == badWorker && badWorkerBuilds.contains(Int(record.build)))
    }

    /// Generates the history; the same parameters always give the same history.
    public init(_ parameters: Parameters = Parameters()) {
        self.parameters = parameters
        var random = SyntheticRandom(seed: parameters.seed)
        let testCount = parameters.tests, buildCount = parameters.builds
        let workers = parameters.workersPerArch * 2
        let workerNames = (0..<workers).map { index in
            index < parameters.workersPerArch
                ? "synthetic-x86_64-\(index + 1)" : "synthetic-aarch64-\(index - parameters.workersPerArch + 1)"
        }
        let badWorker = Int32(random.int(0...(workers - 1)))

        // Build → commit: mostly the next commit, sometimes skipping one, sometimes a re-run.
        var buildCommits: [Int32] = []
        var commit: Int32 = 0
        for build in 0..<buildCount {
            if build > 0 {
                if random.chance(0.05) {
                    // re-run of the same commit
                } else {
                    commit += random.chance(0.2) ? 2 : 1
                }
            }
            buildCommits.append(commit)
        }
        let commitCount = Int(commit) + 1
        let commitSHAs = (0..<commitCount).map { index in
            "s" + String(String(SeededRandom.bits(seed: parameters.seed, index: UInt64(index), stream: 77), radix: 16).prefix(11))
        }

        var truth = Self.makeTruth(parameters, commits: commitCount, random: &random)
        let polluters = (0..<testCount).map { test in
            truth[test].kind == .orderDependent ? Int32(Self.pickStable(truth, random: &random)) : -1
        }
        let bursts = (0..<testCount).map { test -> [Range<Int>] in
            guard truth[test].kind == .bursty else { return [] }
            return (0..<3).map { _ in
                let start = random.int(0...max(buildCount - 8, 0))
                return start..<(start + 8)
            }
        }
        let burstRates = (0..<testCount).map { _ in 0.2 + 0.3 * random.unit() }
        let baseRates = (0..<testCount).map { test -> Double in
            switch truth[test].kind {
            case .flaky: random.logUniform(0.001, 0.5)
            case .aarch64Flaky: random.logUniform(0.02, 0.4)
            case .bornBroken: truth[test].rate
            default: 0
            }
        }
        let baseDurations = (0..<testCount).map { _ in Float(exp(-0.5 + SeededRandom.normal(seed: parameters.seed, index: random.next(), stream: 3))) }
        let badRange = Int(parameters.badWorkerWindow.lowerBound * Double(buildCount))
            ..< Int(parameters.badWorkerWindow.upperBound * Double(buildCount))

        var records: [AttemptRecord] = []
        records.reserveCapacity(testCount * buildCount * 21 / 20)
        var builds: [HistoryBuild] = []
        var buildTruth: [SyntheticBuildTruth] = []
        var kindSums = [Double](repeating: 0, count: testCount)
        var kindCounts = [Int](repeating: 0, count: testCount)
        var firstWorker = [Int32](repeating: 0, count: testCount)
        var firstPosition = [Double](repeating: 0, count: testCount)
        // Whether a test passed, and failed, in an earlier build: one that did not do both has no
        // flaky record and cannot be excused.
        var everPassed = [Bool](repeating: false, count: testCount)
        var everFailed = [Bool](repeating: false, count: testCount)
        var passedNow: [Int] = [], failedNow: [Int] = []
        // Tests that failed every attempt of the previous build, and of this one so far.
        var failedBefore = [Bool](repeating: false, count: testCount)
        var lostNow: [Int] = []
        // Recorded failed runs per test, for known breaks (never passed, a build's worth failed).
        var failedRuns = [Int32](repeating: 0, count: testCount)
        var failedRunsNow: [(test: Int, runs: Int32)] = []
        let knownBreakRuns = Int32(1 + parameters.retries + parameters.confirmRetries)
        // The first build's broken tests fail of one cause, shared when there are two or more
        // (`BuildState.sharesCause`); a flaky failure has its own.
        let firstCommit = buildCommits.first ?? 0
        let brokenAtFirst = (0..<testCount).count(where: { truth[$0].isBroken(at: firstCommit) })
        for build in 0..<buildCount {
            let commit = buildCommits[build]
            let outage = build >= 10 && random.chance(parameters.outageShare)
            var regression = false
            var confirming = 0
            var cannotPass = false
            var retried = 0
            for test in 0..<testCount { failedBefore[test] = false }
            for test in lostNow { failedBefore[test] = true }
            lostNow.removeAll(keepingCapacity: true)
            for test in passedNow { everPassed[test] = true }
            for test in failedNow { everFailed[test] = true }
            for entry in failedRunsNow { failedRuns[entry.test] += entry.runs }
            passedNow.removeAll(keepingCapacity: true)
            failedNow.removeAll(keepingCapacity: true)
            failedRunsNow.removeAll(keepingCapacity: true)
            builds.append(HistoryBuild(index: Int32(build), id: "synthetic-" + format5(build), commit: commit,
                                      sha: commitSHAs[Int(commit)], branch: "main"))
            for test in 0..<testCount {
                firstWorker[test] = Int32(random.int(0...(workers - 1)))
                firstPosition[test] = random.unit()
            }
            for test in 0..<testCount {
                let kind = truth[test].kind
                // A test written broken does not exist before its first commit.
                if kind == .bornBroken, commit < truth[test].brokenFrom ?? 0 { continue }
                if truth[test].isBroken(at: commit) { regression = true }
                var worker = firstWorker[test]
                var passes = 0, attempts = 0
                // Confirmation runs the build no longer runs (it cannot pass) are drawn all the
                // same, and not recorded: the random stream, and so the rest of the history, is
                // the one `--keep-confirming` draws, and the two differ only by the runs dropped.
                var dropped = false
                let lastOrdinary = 1 + parameters.retries
                let fixedSincePrevious = build > 0 && parameters.knownBreaksSeeChanges
                    && truth[test].fixedAt.map { $0 > buildCommits[build - 1] && $0 <= commit } == true
                let knownBreak = !parameters.confirmKnownBreaks && !everPassed[test] && failedRuns[test] >= knownBreakRuns
                    && !fixedSincePrevious
                let expected = build > 0 && failedBefore[test] && !everPassed[test] && !fixedSincePrevious
                let ordinary = knownBreak ? 1 + min(parameters.retries, parameters.knownBreakRetries)
                    : expected ? 1 + min(parameters.retries, parameters.expectedToFailRetries) : lastOrdinary
                let early = parameters.earlyRetries && expected
                    && ordinary >= 2 && !cannotPass && retried < (parameters.retriedTestsOnceLost ?? 10)
                // A failed first attempt draws every run it could lead to, recorded or not, so the
                // variants (known breaks' runs, retries one by one) share one random stream.
                for attempt in 1...(lastOrdinary + parameters.confirmRetries) {
                    // A failing test's retries, unless the build cannot pass, its budget of
                    // retried tests is spent and the test never passed (it failed the previous
                    // build, has no pass before and no fix since: `TestCase.neverPassed`; in the
                    // first build, it fails of a cause another failure shares).
                    if attempt == 2 && ordinary >= 2 {
                        if let limit = parameters.retriedTestsOnceLost, cannotPass && retried >= limit && !everPassed[test],
                           build == 0 ? truth[test].isBroken(at: commit) && brokenAtFirst >= 2
                               : failedBefore[test] && !fixedSincePrevious {
                            dropped = true
                        } else {
                            retried += 1
                        }
                    }
                    // The retries of a test expected to fail beyond its own are not run.
                    let skipped = attempt > ordinary && attempt <= lastOrdinary
                    if attempt == lastOrdinary + 1 {
                        // Every ordinary attempt failed: confirmation runs, while the build's budget
                        // lasts and while it can still pass; none for a known break.
                        if !dropped && passes == 0 && !knownBreak && confirming < parameters.confirmLimit {
                            confirming += 1
                            dropped = cannotPass
                        } else {
                            dropped = true
                        }
                    }
                    // One by one, the retries after a pass would not have run.
                    if parameters.retriesOneByOne && attempt <= lastOrdinary && passes > 0 { dropped = true }
                    if !dropped && !skipped { attempts = attempt }
                    let arch: Arch = Int(worker) < parameters.workersPerArch ? .x86_64 : .aarch64
                    var kindProbability = 0.0
                    if kind == .orderDependent {
                        let polluter = Int(polluters[test])
                        kindProbability = attempt == 1 && firstWorker[polluter] == worker
                            && firstPosition[polluter] < firstPosition[test] ? 0.9 : 0
                    } else {
                        kindProbability = Self.kindProbability(truth[test], arch: arch, build: build, commit: commit,
                                                               baseRate: baseRates[test], bursts: bursts[test], burstRate: burstRates[test])
                    }
                    let badWorkerNow = worker == badWorker && badRange.contains(build)
                    let probability = Self.attemptProbability(kindProbability, outage: outage, badWorker: badWorkerNow,
                                                              ambient: parameters.ambientFailureRate)
                    if !outage && !badWorkerNow && !truth[test].isBroken(at: commit) {
                        kindSums[test] += kindProbability
                        kindCounts[test] += 1
                    }
                    let failed = random.unit() < probability
                    let duration = baseDurations[test] * Float(0.8 + 0.4 * random.unit())
                    if !dropped && !skipped {
                        if !failed { passes += 1 }
                        records.append(AttemptRecord(
                            test: Int32(test), build: Int32(build), commit: commit, worker: worker, duration: duration,
                            attempt: UInt8(attempt), outcome: failed ? .failed : .passed, arch: arch))
                    }
                    // A first attempt that passes ends the test, but for the retries that went out
                    // with it (`early`); its retries, and its confirmation runs, go out together (as
                    // the coordinator sends them), so all of them run.
                    if !failed && attempt == 1 && !early { break }
                    // Drawn through every ordinary attempt (recorded through its own), so that
                    // variants of a known break's retries share one random stream.
                    if early && passes > 0 && attempt >= lastOrdinary { break }
                    // Retry on another worker of the other arch.
                    let otherArchBase = arch == .x86_64 ? parameters.workersPerArch : 0
                    worker = Int32(otherArchBase + random.int(0...(parameters.workersPerArch - 1)))
                }
                if passes > 0 { passedNow.append(test) }
                if passes == 0 && attempts > 0 { lostNow.append(test) }
                if passes < attempts {
                    failedNow.append(test)
                    failedRunsNow.append((test, Int32(attempts - passes)))
                }
                if knownBreak && passes == 0 && attempts == ordinary { knownBreakSkips += 1 }
                // A known break failing its ordinary attempts never passed: nothing excuses it.
                if parameters.stopConfirmingOnceLost, passes == 0, parameters.confirmRetries > 0,
                   attempts == 1 + parameters.retries + parameters.confirmRetries || (knownBreak && attempts == ordinary),
                   !(everPassed[test] && everFailed[test])
                {
                    cannotPass = true
                }
            }
            buildTruth.append(SyntheticBuildTruth(outage: outage, realRegression: regression))
        }
        for test in 0..<testCount where truth[test].isFlaky {
            truth[test].rate = kindCounts[test] > 0 ? kindSums[test] / Double(kindCounts[test]) : 0
        }
        let testNames = (0..<testCount).map { "synthetic.module_\(String(format3($0 / 50)))::test_\(String(format5($0)))" }
        history = AttemptHistory(testNames: testNames, workerNames: workerNames, commitSHAs: commitSHAs, builds: builds,
                                 records: records)
        self.truth = truth
        self.buildTruth = buildTruth
        self.badWorker = workerNames[Int(badWorker)]
        self.badWorkerBuilds = badRange
        self.baseRates = baseRates
        self.bursts = bursts
        self.burstRates = burstRates
    }

    /// A test's own failure probability on one attempt (order-dependent tests aside: they need
    /// the build's order, see the generator loop): the rates and breaks every attempt is drawn from.
    static func kindProbability(_ truth: SyntheticTruth, arch: Arch, build: Int, commit: Int32, baseRate: Double,
                                bursts: [Range<Int>], burstRate: Double) -> Double
    {
        switch truth.kind {
        case .stable, .orderDependent: 0
        case .flaky: baseRate
        case .aarch64Flaky: arch == .aarch64 ? baseRate : 0
        case .bursty: bursts.contains { $0.contains(build) } ? burstRate : 0.0005
        case .broken: truth.isBroken(at: commit) ? 1 : 0
        case .bornBroken: truth.isBroken(at: commit) ? 1 : baseRate
        }
    }

    /// The test's probability with the build's infrastructure on top (an outage, the bad worker,
    /// ambient noise), as every generated attempt has it.
    static func attemptProbability(_ kind: Double, outage: Bool, badWorker: Bool, ambient: Double) -> Double {
        var probability = kind
        if outage { probability = max(probability, 0.85) }
        if badWorker { probability = max(probability, 0.7) }
        return 1 - (1 - probability) * (1 - ambient)
    }

    /// Whether **simulated** confirmation run `run` (1, 2, …) of `test` in `build` fails: a rerun
    /// in a fresh process after the build's attempts, drawn exactly as the generator draws a
    /// confirmation run on the `run` path (the test's rate or break at the build's commit, its
    /// bursts, an outage, the bad worker, ambient noise), on a worker of either arch picked at
    /// random, with no test before it in the process (order-dependent tests pass). Its own seeded
    /// stream: the history is the same with or without these draws.
    public func confirmationRunFails(test: Int, build: Int, run: Int) -> Bool {
        let index = (UInt64(build) * UInt64(parameters.tests) + UInt64(test)) * 64 + UInt64(run)
        let workers = parameters.workersPerArch * 2
        let worker = Int(SeededRandom.bits(seed: parameters.seed, index: index, stream: 91) % UInt64(workers))
        let arch: Arch = worker < parameters.workersPerArch ? .x86_64 : .aarch64
        let kind = Self.kindProbability(truth[test], arch: arch, build: build, commit: history.builds[build].commit,
                                        baseRate: baseRates[test], bursts: bursts[test], burstRate: burstRates[test])
        let probability = Self.attemptProbability(kind, outage: buildTruth[build].outage,
                                                  badWorker: history.workerNames[worker] == badWorker && badWorkerBuilds.contains(build),
                                                  ambient: parameters.ambientFailureRate)
        let draw = Double(SeededRandom.bits(seed: parameters.seed, index: index, stream: 92) >> 11) * 0x1.0p-53
        return draw < probability
    }

    private static func makeTruth(_ parameters: Parameters, commits: Int, random: inout SyntheticRandom)
        -> [SyntheticTruth]
    {
        let shares: [(SyntheticTruth.Kind, Double)] = [
            (.flaky, parameters.flakyShare), (.bursty, parameters.burstyShare),
            (.aarch64Flaky, parameters.aarch64FlakyShare), (.orderDependent, parameters.orderDependentShare),
            (.broken, parameters.brokenShare), (.bornBroken, parameters.bornBrokenShare),
        ]
        return (0..<parameters.tests).map { test in
            var draw = random.unit()
            var kind = SyntheticTruth.Kind.stable
            for (candidate, share) in shares {
                if draw < share {
                    kind = candidate
                    break
                }
                draw -= share
            }
            var truth = SyntheticTruth(kind: kind, rate: 0, brokenFrom: nil, fixedAt: nil)
            if kind == .broken {
                let from = random.int(commits / 10...(commits * 9 / 10))
                truth.brokenFrom = Int32(from)
                truth.fixedAt = random.chance(0.7) ? Int32(from + random.int(3...40)) : nil
            }
            if kind == .bornBroken {
                // Its own streams: the other tests' draws stay as they were.
                let bits = { (stream: UInt64) in SeededRandom.bits(seed: parameters.seed, index: UInt64(test), stream: stream) }
                truth.brokenFrom = Int32(commits / 10 + Int(bits(101) % UInt64(max(commits * 7 / 10, 1))))
                truth.fixedAt = truth.brokenFrom! + Int32(2 + bits(103) % 19)
                truth.rate = 0.05 * pow(10, Double(bits(102) >> 11) * 0x1.0p-53)  // 5 %–50 %, log-uniform
            }
            return truth
        }
    }

    private static func pickStable(_ truth: [SyntheticTruth], random: inout SyntheticRandom) -> Int {
        while true {
            let candidate = random.int(0...(truth.count - 1))
            if truth[candidate].kind == .stable { return candidate }
        }
    }

    /// One build's attempts as `TestResult`s (names resolved), for the ingest path.
    public func results(ofBuild build: Int) -> [TestResult] {
        history.records.filter { $0.build == Int32(build) }.map { record in
            TestResult(test: history.testNames[Int(record.test)], attempt: Int(record.attempt), outcome: record.outcome,
                       duration: Double(record.duration), worker: history.workerNames[Int(record.worker)], arch: record.arch)
        }
    }
}

/// Zero-padded decimal (no Foundation `String(format:)` needed).
func format5(_ value: Int) -> String { pad(value, 5) }
func format3(_ value: Int) -> String { pad(value, 3) }
private func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
