import Model
public import Analyzer

/// Scores flaky detectors against a **synthetic** history's ground truth: precision, recall and
/// F1 per rate bucket, builds to detection, broken-test culprit accuracy and latency, and the
/// gate's false-block and missed-regression rates when each detector's flags drive quarantine.
public enum FlakyEvaluation {
    /// Rate buckets of truly flaky tests (realised mean failure rate per attempt).
    public static let buckets: [(label: String, range: Range<Double>)] = [
        ("<1%", 0..<0.01), ("1-5%", 0.01..<0.05), ("5-20%", 0.05..<0.2), (">=20%", 0.2..<1.01),
    ]

    public struct BucketScore: Sendable, Hashable {
        public var label: String
        public var tests: Int
        public var detected: Int
        public var recall: Double
        public var f1: Double
    }

    public struct Score: Sendable, Hashable {
        public var detector: String
        public var buckets: [BucketScore]
        /// Flags on tests that are not flaky (stable or broken).
        public var falsePositives: Int
        /// Precision over all flags (a flag on any truly flaky test is right).
        public var precision: Double
        /// Precision, recall and F1 for the target set: tests flaking at ≥ 1 % (flags on
        /// flaky tests below 1 % count neither way).
        public var precisionAtLeast1Percent: Double
        public var recallAtLeast1Percent: Double
        public var f1AtLeast1Percent: Double
        /// Median and 90th percentile of builds from a ≥ 1 % test's first failure to its flag.
        public var buildsToDetectionMedian: Double?
        public var buildsToDetectionP90: Double?
        /// Broken tests flagged broken with the right culprit commit within 2 builds (nil: the
        /// detector has no notion of broken).
        public var brokenWithin2Builds: Double?
        public var brokenCulpritAccuracy: Double?
        public var brokenTests: Int
        public var falseBlocks: Int
        /// Builds that were not outages.
        public var cleanBuilds: Int
        public var falseBlockRate: Double
        /// What wrongly blocked: "kind@buildN" → tests (ground-truth kinds of the blocking tests).
        public var falseBlockCauses: [String: Int]
        /// The falsely blocked builds.
        public var falseBlockBuilds: [Int]
        /// False blocks in which every wrongly blocking test had never failed before (outside the
        /// generator's infrastructure failures): its first failure episode failed every attempt.
        public var firstEpisodeBlocks: Int
        public var missedRegressions: Int
        /// Which broken test slipped through in which build, and why.
        public var missedDetails: [String]
        /// (broken test, build) pairs in which a really broken test ran.
        public var regressionBuilds: Int
        public var missedRegressionRate: Double
        /// The gate's reasons for each false block ("build N: …"), to see what blocked and why.
        public var falseBlockReasons: [String] = []
    }

    /// A detector's view at one point: which tests it calls flaky, which it quarantines.
    public struct Flags: Sendable {
        public var flaky: [Bool]
        /// A baseline's quarantine: it covers every failure of these tests.
        public var quarantined: Set<Int32>
        /// testfleet's analysis at this point (nil for a baseline): the gate learns the failing
        /// tests' history from it through `GateInput.addHistory`, as `StoredGate` does.
        public var analysis: FlakyAnalysis?
    }

    /// The builds at which detectors are re-run: every build for the first 20, then every `step`.
    public static func checkpoints(builds: Int, step: Int = 5) -> [Int] {
        Array(Set(Array(1...min(20, builds)) + Array(stride(from: 20, through: builds, by: step)) + [builds])).sorted()
    }

    /// The history's first `builds` builds (records are in build order in synthetic histories).
    public static func prefix(_ history: AttemptHistory, builds: Int) -> AttemptHistory {
        var low = 0, high = history.records.count
        while low < high {
            let mid = (low + high) / 2
            if history.records[mid].build < Int32(builds) { low = mid + 1 } else { high = mid }
        }
        return AttemptHistory(testNames: history.testNames, workerNames: history.workerNames,
                              commitSHAs: history.commitSHAs, builds: Array(history.builds.prefix(builds)),
                              records: Array(history.records[..<low]))
    }

    /// testfleet's flags from an analysis.
    public static func flags(of analysis: FlakyAnalysis) -> Flags {
        Flags(flaky: analysis.tests.map { $0.flagged && $0.state != .broken },
              quarantined: Set(analysis.tests.lazy.filter { $0.quarantine != nil }.map(\.test)), analysis: analysis)
    }

    /// A baseline's flags: it quarantines what it calls flaky.
    public static func flags(flaky: [Bool]) -> Flags {
        Flags(flaky: flaky, quarantined: Set(flaky.indices.lazy.filter { flaky[$0] }.map { Int32($0) }))
    }

    /// Scores one detector given its flags at each checkpoint (keyed by checkpoint build count;
    /// the last key must be the whole history) and, for testfleet, broken-test results.
    ///
    /// Between checkpoints the detector is updated after every build the way a service would:
    /// `update` re-judges the tests that failed since the checkpoint, given a history holding
    /// just their records so far, and returns (test, flaky, quarantine reason, its re-analysis:
    /// testfleet's, nil for a baseline) for each. `gate` configures the gate (its cover limits);
    /// the rest of the analysis is the detector's.
    ///
    /// testfleet's gate is the production one: `GateInput.addHistory` with the failing tests'
    /// analyses (re-judged since the checkpoint, else the checkpoint's), then `Gate.evaluate`. A
    /// baseline's quarantine covers every failure of the tests it flags.
    public static func score(detector: String, synthetic: SyntheticFlakyHistory, flagsAt: [Int: Flags],
                             update: (_ history: AttemptHistory, _ tests: [Int32], _ checkpoint: Int) -> [(Int32, Bool, QuarantineReason?, TestAnalysis?)],
                             broken: (within2: Double, culprit: Double, tests: Int, misses: [String])?,
                             gate: AnalyzerConfiguration = AnalyzerConfiguration()) -> Score
    {
        let truth = synthetic.truth
        let history = synthetic.history
        let finalFlags = flagsAt[flagsAt.keys.max()!]!.flaky
        var bucketTests = [Int](repeating: 0, count: buckets.count), bucketHits = bucketTests
        var falsePositives = 0, hits = 0, flags = 0, belowTargetHits = 0
        for (test, flagged) in finalFlags.enumerated() {
            let truthItem = truth[test]
            if flagged { flags += 1 }
            guard truthItem.isFlaky else {
                if flagged { falsePositives += 1 }
                continue
            }
            if flagged { hits += 1 }
            let bucket = buckets.firstIndex { $0.range.contains(truthItem.rate) } ?? buckets.count - 1
            bucketTests[bucket] += 1
            if flagged { bucketHits[bucket] += 1 }
            if flagged && truthItem.rate < 0.01 { belowTargetHits += 1 }
        }
        let precision = flags > 0 ? Double(hits) / Double(flags) : 1
        let targetHits = hits - belowTargetHits
        let targetTests = bucketTests.dropFirst().reduce(0, +)
        let precisionTarget = targetHits + falsePositives > 0 ? Double(targetHits) / Double(targetHits + falsePositives) : 1
        let recallTarget = targetTests > 0 ? Double(targetHits) / Double(targetTests) : 1
        let bucketScores = buckets.indices.map { index -> BucketScore in
            let recall = bucketTests[index] > 0 ? Double(bucketHits[index]) / Double(bucketTests[index]) : 1
            return BucketScore(label: buckets[index].label, tests: bucketTests[index], detected: bucketHits[index],
                               recall: recall, f1: f1(precision, recall))
        }

        let points = flagsAt.keys.sorted()
        var detectedAt = [Int](repeating: -1, count: truth.count)
        var recordsByTest = [[Int32]](repeating: [], count: truth.count)
        for (index, record) in history.records.enumerated() { recordsByTest[Int(record.test)].append(Int32(index)) }

        // The gate, build by build, with the flags of the newest checkpoint before the build. A
        // false block: a non-outage build blocked by a test that is not really failing there. A
        // missed regression: a really broken test that ran and did not block (per test and build).
        var falseBlocks = 0, clean = 0, missed = 0, regressions = 0
        var falseBlockCauses: [String: Int] = [:]
        var recordIndex = 0
        var currentPoint: Int?
        var priorFailures = [Int](repeating: 0, count: truth.count)
        var pendingFailures: [Int32] = []
        var firstEpisodeBlocks = 0
        var falseBlockBuilds: [Int] = [], falseBlockReasons: [String] = []
        var missedDetails: [String] = []
        var changedSinceCheckpoint = Set<Int32>()
        for build in 0..<history.builds.count {
            for test in pendingFailures { priorFailures[Int(test)] += 1 }
            pendingFailures.removeAll(keepingCapacity: true)
            var buildRecords: [AttemptRecord] = []
            while recordIndex < history.records.count, history.records[recordIndex].build == Int32(build) {
                buildRecords.append(history.records[recordIndex])
                recordIndex += 1
            }
            var failedTests = Set<Int32>()
            for record in buildRecords where record.outcome.isFailure { failedTests.insert(record.test) }
            var results: [TestResult] = []
            for record in buildRecords where failedTests.contains(record.test) {
                results.append(TestResult(test: history.testNames[Int(record.test)], attempt: Int(record.attempt),
                                          outcome: record.outcome, duration: Double(record.duration),
                                          worker: history.workerNames[Int(record.worker)], arch: record.arch))
            }
            let point = points.last { $0 <= build }
            if point != currentPoint {
                currentPoint = point
                changedSinceCheckpoint.removeAll()
            }
            let checkpoint = point.map { flagsAt[$0]! }
            var flaky = checkpoint?.flaky ?? [Bool](repeating: false, count: truth.count)
            var quarantined = checkpoint?.quarantined ?? []
            var reanalysed: [Int32: TestAnalysis] = [:]
            if let point, !changedSinceCheckpoint.isEmpty {
                let tests = changedSinceCheckpoint.sorted()
                var subRecords: [AttemptRecord] = []
                for test in tests {
                    for index in recordsByTest[Int(test)] where history.records[Int(index)].build < Int32(build) {
                        subRecords.append(history.records[Int(index)])
                    }
                }
                let sub = AttemptHistory(testNames: history.testNames, workerNames: history.workerNames,
                                         commitSHAs: history.commitSHAs, builds: Array(history.builds.prefix(build)),
                                         records: subRecords)
                for (test, isFlaky, reason, analysis) in update(sub, tests, point) {
                    flaky[Int(test)] = isFlaky
                    if let analysis { reanalysed[test] = analysis }
                    if reason != nil { quarantined.insert(test) } else { quarantined.remove(test) }
                }
            }
            for test in truth.indices where flaky[test] && detectedAt[test] < 0 { detectedAt[test] = build }
            var input = GateInput(build: history.builds[build].id, commit: history.builds[build].sha, suite: "synthetic",
                                  simulated: true, results: results)
            input.confirmationRuns = synthetic.parameters.confirmRetries
            var configuration = gate
            if let analysis = checkpoint?.analysis {
                input.addHistory(failedTests.sorted().map { reanalysed[$0] ?? analysis.tests[Int($0)] },
                                 prior: analysis.prior, regressionRate: analysis.regressionRate)
            } else {
                // A baseline (or testfleet before its first analysis): quarantine covers every failure.
                input.quarantined = Set(quarantined.map { history.testNames[Int($0)] })
                configuration.quarantineCoverLimit = 2
                configuration.flakyHistoryCoverLimit = nil
            }
            let evaluation = Gate.evaluate(input, configuration: configuration)
            changedSinceCheckpoint.formUnion(failedTests)
            for record in buildRecords where record.outcome.isFailure && !synthetic.isInfrastructureAttempt(record) {
                pendingFailures.append(record.test)
            }
            let quarantinedFailures = Set(evaluation.verdict.quarantined)
            let blockingNames = Set(evaluation.verdict.failures.map(\.test).filter { !quarantinedFailures.contains($0) })
            let commit = history.builds[build].commit
            let reallyBroken = Set(truth.indices.lazy.filter { truth[$0].isBroken(at: commit) }.map { history.testNames[$0] })
            regressions += reallyBroken.count
            for name in reallyBroken.subtracting(blockingNames) {
                missed += 1
                let test = history.testNames.firstIndex(of: name)!
                let rate = input.flakePosteriors[name].map { " at flake rate \($0.mean)" } ?? ""
                let isQuarantined = quarantined.contains(Int32(test))
                missedDetails.append("\(name) at build \(build): \(isQuarantined ? "quarantined\(rate)" : "not quarantined"), \(failedTests.contains(Int32(test)) ? "failed" : "did not fail")")
            }
            if !synthetic.buildTruth[build].outage {
                clean += 1
                let wrongful = blockingNames.subtracting(reallyBroken)
                if !wrongful.isEmpty {
                    falseBlocks += 1
                    falseBlockBuilds.append(build)
                    falseBlockReasons.append("build \(build): " + evaluation.verdict.reasons.filter { $0.contains("failed all") }.prefix(3).joined(separator: "; "))
                }
                // A block by a test that had never failed but for infrastructure is a first episode: no
                // detector could have known; the rule "failed every attempt blocks" decides it.
                if !wrongful.isEmpty, wrongful.allSatisfy({ name in
                    let test = history.testNames.firstIndex(of: name)!
                    return priorFailures[test] == 0
                }) {
                    firstEpisodeBlocks += 1
                }
                for name in wrongful {
                    let test = history.testNames.firstIndex(of: name)!
                    falseBlockCauses["\(truth[test].kind.rawValue)@build\(build)", default: 0] += 1
                }
            }
        }
        // Builds from a ≥ 1 % flaky test's first failure to its flag.
        var firstFailure = [Int32](repeating: -1, count: truth.count)
        for record in history.records where record.outcome.isFailure && firstFailure[Int(record.test)] < 0
            && !synthetic.buildTruth[Int(record.build)].outage
        {
            firstFailure[Int(record.test)] = record.build
        }
        var delays: [Double] = []
        for test in truth.indices where truth[test].isFlaky && truth[test].rate >= 0.01 && firstFailure[test] >= 0 {
            if detectedAt[test] > Int(firstFailure[test]) { delays.append(Double(detectedAt[test] - Int(firstFailure[test]))) }
        }
        delays.sort()
        return Score(
            detector: detector, buckets: bucketScores, falsePositives: falsePositives, precision: precision,
            precisionAtLeast1Percent: precisionTarget, recallAtLeast1Percent: recallTarget,
            f1AtLeast1Percent: f1(precisionTarget, recallTarget), buildsToDetectionMedian: quantile(delays, 0.5),
            buildsToDetectionP90: quantile(delays, 0.9), brokenWithin2Builds: broken?.within2,
            brokenCulpritAccuracy: broken?.culprit, brokenTests: broken?.tests ?? 0, falseBlocks: falseBlocks,
            cleanBuilds: clean, falseBlockRate: clean > 0 ? Double(falseBlocks) / Double(clean) : 0,
            falseBlockCauses: falseBlockCauses, falseBlockBuilds: falseBlockBuilds, firstEpisodeBlocks: firstEpisodeBlocks, missedRegressions: missed, missedDetails: missedDetails, regressionBuilds: regressions,
            missedRegressionRate: regressions > 0 ? Double(missed) / Double(regressions) : 0, falseBlockReasons: falseBlockReasons)
    }

    /// Broken-test latency and culprit accuracy for testfleet: for each truly broken test whose
    /// break a build saw, re-analyse it after 1 and 2 builds of the break (suite-wide figures
    /// from the newest checkpoint before the break) and check that the reported commit range
    /// (last passing, first failing] holds the true culprit.
    public static func brokenDetection(_ synthetic: SyntheticFlakyHistory, analyses: [Int: FlakyAnalysis])
        -> (within2: Double, culprit: Double, tests: Int, misses: [String])
    {
        var misses: [String] = []
        let history = synthetic.history
        let points = analyses.keys.sorted()
        var seen = 0, within2 = 0, culpritRight = 0
        let finalAnalysis = analyses[points.last!]!
        let position = Dictionary(history.commitSHAs.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        for (test, truth) in synthetic.truth.enumerated() where truth.kind == .broken {
            guard let from = truth.brokenFrom,
                  let first = history.builds.firstIndex(where: { build in build.commit >= from }),
                  history.builds[first].commit < (truth.fixedAt ?? Int32.max)
            else { continue }
            seen += 1
            let expected = history.builds[first].sha
            // Right culprit: the reported range (last passing, first failing] holds the true commit.
            let holdsCulprit = { (found: BreakReport?) -> Bool in
                guard let found, let failing = position[found.firstFailingCommit], failing >= from else { return false }
                return found.lastPassingCommit.flatMap { position[$0] }.map { $0 < from } ?? true
            }
            // Suite-wide figures from before the break; outage and bad-cell flags from the final
            // analysis, as they depend only on their own build (so they were known at the time).
            var context = analyses[points.last { $0 <= first } ?? points[0]]!
            context.infrastructure.outageBuilds = finalAnalysis.infrastructure.outageBuilds
            context.infrastructure.badCells = finalAnalysis.infrastructure.badCells
            var reported = "nothing"
            for extra in 1...2 where first + extra <= history.builds.count {
                let prefix = prefix(history, builds: first + extra)
                let analysis = FlakyAnalyzer.reanalyze(prefix, tests: [Int32(test)], using: context)[0]
                if analysis.state == .broken || analysis.state == .fixed, holdsCulprit(analysis.latestBreak) {
                    within2 += 1
                    reported = ""
                    break
                }
                reported = "\(analysis.state.rawValue) since \(analysis.latestBreak?.firstFailingCommit ?? "-")"
            }
            if !reported.isEmpty {
                misses.append("\(history.testNames[test]): broken at build \(first) (\(expected)), reported \(reported) after 2 builds")
            }
            // Culprit at the end of the history: the reported range must hold the true commit.
            let final = finalAnalysis.tests[test]
            if holdsCulprit(final.latestBreak) {
                culpritRight += 1
            } else {
                misses.append("\(history.testNames[test]): at the end reported \(final.state.rawValue), break \(final.latestBreak.map { "\($0.firstFailingCommit)..\($0.fixedAtCommit ?? "now")" } ?? "none"); truth \(expected)")
            }
        }
        return (seen > 0 ? Double(within2) / Double(seen) : 1, seen > 0 ? Double(culpritRight) / Double(seen) : 1, seen,
                misses)
    }

    static func f1(_ precision: Double, _ recall: Double) -> Double {
        precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
    }

    static func quantile(_ sorted: [Double], _ q: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        return sorted[min(Int(Double(sorted.count - 1) * q + 0.5), sorted.count - 1)]
    }
}
