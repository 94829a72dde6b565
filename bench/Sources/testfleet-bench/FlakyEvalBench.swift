// `bench/run flaky-eval [--tests N] [--builds N] [--seed S] [--step K] [--retries R] [--confirm C] [--confirm-limit L] [--keep-confirming] [--retry-every-failure] [--retries-one-by-one] [--confirm-known-breaks] [--known-break-retries K] [--expected-to-fail-retries K] [--born-broken-share X] [--known-breaks-blind] [--late-retries] [--quarantine-cover-limit P] [--history-cover-limit P]`: testfleet's flaky
// detection and gate against three baselines on a SYNTHETIC history with ground truth.
// Generation (SyntheticFlakyHistory) is separate from evaluation (FlakyEvaluation); records go
// through a real store (SyntheticStoreIngest) and come back through the analyser's loader.
// `--keep-confirming`: every test that failed its ordinary attempts gets its confirmation runs
// even once the build cannot pass (the coordinator before it dropped them), for comparison.
// `--retry-every-failure`: every failing test gets its ordinary retries even once the build cannot
// pass (the coordinator before `BuildState.retriedTestsOnceLost`), for comparison.
// `--retries-one-by-one`: ordinary retries stop at the first pass (the coordinator before it sent
// them side by side), for comparison on the same random stream. `--confirm-known-breaks`: tests
// that never passed in a build's worth of runs get confirmation runs too (the coordinator before
// `TestCase.knownBreak`), for comparison. `--known-break-retries K`: a known break's ordinary
// retries (default 1, as `BuildState.ordinaryAttempts`; the coordinator before it: `--retries`).
// `--born-broken-share X`: the share of tests written broken and fixed into flaky ones (default
// 0.001), the tests that rule applies to. `--known-breaks-blind`: a known break stays one even
// in the build after its fix commit (the rule where no commits are known). `--late-retries`: a
// test expected to fail gets its retries only once its first attempt failed (the coordinator
// before `BuildState.queueEarlyRetries`), for comparison. `--expected-to-fail-retries K`: the
// ordinary retries of a test that failed every attempt of the previous build and never passed,
// before it is a known break (default 1, as `BuildState.ordinaryAttempts`; the coordinator before
// it: `--retries`).
import Analyzer
import BenchSupport
import Foundation

enum FlakyEvalBench {
    static func run(_ arguments: [String]) throws {
        var parameters = SyntheticFlakyHistory.Parameters()
        var step = 5
        var historyCoverLimit = 0.5
        var quarantineCoverLimit = AnalyzerConfiguration().quarantineCoverLimit
        // Flags without a value: each turns the generator back to the coordinator before one change.
        let switches: [String: WritableKeyPath<SyntheticFlakyHistory.Parameters, Bool>] = [
            "--retries-one-by-one": \.retriesOneByOne, "--confirm-known-breaks": \.confirmKnownBreaks,
        ]
        let offSwitches: [String: WritableKeyPath<SyntheticFlakyHistory.Parameters, Bool>] = [
            "--keep-confirming": \.stopConfirmingOnceLost, "--known-breaks-blind": \.knownBreaksSeeChanges,
            "--late-retries": \.earlyRetries,
        ]
        var index = 0
        while index < arguments.count {
            if arguments[index] == "--retry-every-failure" {
                parameters.retriedTestsOnceLost = nil
                index += 1
                continue
            }
            if let flag = switches[arguments[index]] ?? offSwitches[arguments[index]] {
                parameters[keyPath: flag] = switches[arguments[index]] != nil
                index += 1
                continue
            }
            let value = index + 1 < arguments.count ? Int(arguments[index + 1]) : nil
            switch (arguments[index], value) {
            case ("--tests", let value?): parameters.tests = value
            case ("--builds", let value?): parameters.builds = value
            case ("--seed", let value?): parameters.seed = UInt64(value)
            case ("--step", let value?): step = max(value, 1)
            case ("--retries", let value?): parameters.retries = max(0, min(value, 9))
            case ("--confirm", let value?): parameters.confirmRetries = max(0, min(value, 20))
            case ("--confirm-limit", let value?): parameters.confirmLimit = max(0, value)
            case ("--known-break-retries", let value?): parameters.knownBreakRetries = max(0, value)
            case ("--expected-to-fail-retries", let value?): parameters.expectedToFailRetries = max(0, value)
            case ("--born-broken-share", _):
                guard index + 1 < arguments.count, let share = Double(arguments[index + 1]), (0...0.2).contains(share) else {
                    throw AnalyzerBenchUsage("flaky-eval: --born-broken-share needs a share of the tests, 0 to 0.2")
                }
                parameters.bornBrokenShare = share
            case ("--quarantine-cover-limit", _):
                guard index + 1 < arguments.count, let limit = Double(arguments[index + 1]) else {
                    throw AnalyzerBenchUsage("flaky-eval: --quarantine-cover-limit needs a probability (above 1: quarantine covers every failure)")
                }
                quarantineCoverLimit = limit
            case ("--history-cover-limit", _):
                guard index + 1 < arguments.count, let limit = Double(arguments[index + 1]) else {
                    throw AnalyzerBenchUsage("flaky-eval: --history-cover-limit needs a probability")
                }
                historyCoverLimit = limit
            default: throw AnalyzerBenchUsage("flaky-eval: unknown or incomplete argument '\(arguments[index])' (use --tests N --builds N --seed S --step K --retries R --confirm C --confirm-limit L --keep-confirming --retry-every-failure --retries-one-by-one --confirm-known-breaks --known-break-retries K --expected-to-fail-retries K --born-broken-share X --known-breaks-blind --late-retries)")
            }
            index += 2
        }
        let started = Date()
        var synthetic = SyntheticFlakyHistory(parameters)
        // Through the real ingest path: build rows and `Store.recordResults` into an SQLite file,
        // then the analyser's store loader; everything below reads the loaded history.
        let stored = try SyntheticStoreIngest.roundTrip(synthetic, label: "flaky-eval")
        SyntheticStoreIngest.remove(storeAt: stored.path)
        synthetic.history = stored.history
        let history = synthetic.history
        let kinds = Dictionary(grouping: synthetic.truth, by: \.kind).mapValues(\.count)
        print("gate: quarantine cover limit \(quarantineCoverLimit) (above 1: quarantine covers every failure), history cover limit \(historyCoverLimit) (row testfleet+history-cover)")
        print("SYNTHETIC history (seed \(parameters.seed)): \(parameters.tests) tests × \(parameters.builds) builds over \(history.commitSHAs.count) commits, \(history.records.count) attempts, retries ≤ \(parameters.retries) "
            + (parameters.retriesOneByOne ? "one by one to the first pass (--retries-one-by-one)" : "side by side") + ", then ≤ \(parameters.confirmRetries) confirmation runs for at most \(parameters.confirmLimit) tests a build"
            + (parameters.stopConfirmingOnceLost ? ", until a test nothing can excuse failed them all" : ", all of them (--keep-confirming)")
            + (parameters.retriedTestsOnceLost.map { "; once the build cannot pass, none past its first \($0) failing tests for those that never passed (in the first build, those failing of a cause another failure shares)" }
                ?? "; every failing test retried (--retry-every-failure)")
            + (parameters.confirmKnownBreaks ? ", known breaks included (--confirm-known-breaks)"
                : ", none for known breaks, which get ≤ \(min(parameters.knownBreakRetries, parameters.retries)) retries"
                    + (parameters.knownBreaksSeeChanges ? " until a change touches them" : ", changes unseen (--known-breaks-blind)"))
            + (parameters.earlyRetries ? "; a test expected to fail retried beside its first attempt, every retry recorded"
                : "; retries only after a failed first attempt (--late-retries)")
            + ", ≤ \(min(parameters.expectedToFailRetries, parameters.retries)) of them before it is a known break")
        print("  ground truth: " + SyntheticTruth.Kind.allCases.map { "\($0.rawValue) \(kinds[$0] ?? 0)" }.joined(separator: ", "))
        print("  ingested into a temporary store in \(fmt(stored.ingestSeconds, 2)) s (Store.recordResults per build), loaded back in \(fmt(stored.loadSeconds, 2)) s (AttemptHistory.load(from:)); round trip identical")
        print("  known breaks that failed their ordinary attempts and got no confirmation runs: \(synthetic.knownBreakSkips) times")
        print("  outage builds \(synthetic.buildTruth.filter(\.outage).count), builds with a real regression \(synthetic.buildTruth.filter(\.realRegression).count), bad worker \(synthetic.badWorker)")

        let baselineNames = ["same-commit", "fail-rate>=2%", "flip-EWMA(0.1)"]
        let baselineRules: [String: (AttemptHistory) -> [Bool]] = [
            "same-commit": BaselineDetectors.sameCommitRule,
            "fail-rate>=2%": { BaselineDetectors.failureRateThreshold($0) },
            "flip-EWMA(0.1)": { BaselineDetectors.flipRateEWMA($0) },
        ]
        func withoutInfrastructure(_ history: AttemptHistory) -> AttemptHistory {
            var filtered = history
            filtered.records = history.records.filter { !synthetic.isInfrastructureAttempt($0) }
            return filtered
        }
        let points = FlakyEvaluation.checkpoints(builds: parameters.builds, step: step)
        var analyses: [Int: FlakyAnalysis] = [:]
        var flags: [String: [Int: FlakyEvaluation.Flags]] = [:]
        var analyzeSeconds = 0.0
        for point in points {
            let prefix = FlakyEvaluation.prefix(history, builds: point)
            let start = Date()
            let analysis = FlakyAnalyzer.analyze(prefix)
            analyzeSeconds += Date().timeIntervalSince(start)
            analyses[point] = analysis
            flags["testfleet", default: [:]][point] = FlakyEvaluation.flags(of: analysis)
            for (name, rule) in baselineRules {
                flags[name, default: [:]][point] = FlakyEvaluation.flags(flaky: rule(prefix))
                // The same rule with the generator's infrastructure failures removed (an oracle
                // no real baseline has): how much of its error is outages and the bad worker.
                flags[name + "+oracle", default: [:]][point] = FlakyEvaluation.flags(flaky: rule(withoutInfrastructure(prefix)))
            }
        }
        let broken = FlakyEvaluation.brokenDetection(synthetic, analyses: analyses)
        // The same analyses, gated with the opt-in flaky-history cover (AnalyzerConfiguration.flakyHistoryCoverLimit).
        var testfleetGate = AnalyzerConfiguration()
        testfleetGate.quarantineCoverLimit = quarantineCoverLimit
        var historyCoverGate = testfleetGate
        historyCoverGate.flakyHistoryCoverLimit = historyCoverLimit
        let detectors = ["testfleet", "testfleet+history-cover"] + baselineNames + baselineNames.map { $0 + "+oracle" }
        let scores = detectors.map { name in
            FlakyEvaluation.score(
                detector: name, synthetic: synthetic, flagsAt: flags[name.hasPrefix("testfleet") ? "testfleet" : name]!,
                update: { sub, tests, point in
                    if name.hasPrefix("testfleet") {
                        // Outage and bad-cell flags depend only on their own build, so a service
                        // knows them right after the build: take them from the final analysis.
                        var context = analyses[point]!
                        context.infrastructure.outageBuilds = analyses[points.last!]!.infrastructure.outageBuilds
                        context.infrastructure.badCells = analyses[points.last!]!.infrastructure.badCells
                        return FlakyAnalyzer.reanalyze(sub, tests: tests, using: context).map {
                            ($0.test, $0.flagged && $0.state != .broken, $0.quarantine, $0)
                        }
                    }
                    let oracle = name.hasSuffix("+oracle")
                    let rule = baselineRules[oracle ? String(name.dropLast(7)) : name]!
                    let flaky = rule(oracle ? withoutInfrastructure(sub) : sub)
                    return tests.map { ($0, flaky[Int($0)], flaky[Int($0)] ? QuarantineReason.automatic : nil, TestAnalysis?.none) }
                },
                broken: name.hasPrefix("testfleet") ? broken : nil,
                gate: name == "testfleet+history-cover" ? historyCoverGate : name == "testfleet" ? testfleetGate : AnalyzerConfiguration())
        }
        let final = analyses[points.last!]!
        print("testfleet: prior Beta(\(fmt(final.prior.alpha, 4)), \(fmt(final.prior.beta, 1))), ambient failure rate \(fmt(final.ambientFailureRate * 1e6, 1))e-6/attempt, outages found \(final.outageBuildIDs.count), workers flagged: \(final.flaggedWorkers.map(\.worker).joined(separator: ", "))")
        print("\(points.count) checkpoints analysed in \(fmt(analyzeSeconds, 2)) s")
        print("")
        print(pad("detector", 22) + pad("P(all)", 8) + pad("P>=1%", 8) + pad("R>=1%", 8) + pad("F1>=1%", 8) + pad("FP", 5)
            + FlakyEvaluation.buckets.map { pad("R " + $0.label, 10) }.joined() + pad("detect med/p90", 16)
            + pad("false-block", 13) + pad("missed-regr", 13) + "broken≤2 / culprit")
        for score in scores {
            var line = pad(score.detector, 22) + pad(fmt(score.precision, 3), 8) + pad(fmt(score.precisionAtLeast1Percent, 3), 8)
            line += pad(fmt(score.recallAtLeast1Percent, 3), 8) + pad(fmt(score.f1AtLeast1Percent, 3), 8) + pad("\(score.falsePositives)", 5)
            line += score.buckets.map { pad("\(fmt($0.recall, 2)) \($0.detected)/\($0.tests)", 10) }.joined()
            line += pad("\(score.buildsToDetectionMedian.map { fmt($0, 0) } ?? "-")/\(score.buildsToDetectionP90.map { fmt($0, 0) } ?? "-")", 16)
            line += pad("\(fmt(score.falseBlockRate * 100, 1))% \(score.falseBlocks)/\(score.cleanBuilds)", 13)
            line += pad("\(fmt(score.missedRegressionRate * 100, 1))% \(score.missedRegressions)/\(score.regressionBuilds)", 13)
            line += score.brokenWithin2Builds.map { "\(fmt($0, 3)) / \(fmt(score.brokenCulpritAccuracy ?? 0, 3)) of \(score.brokenTests)" } ?? "n/a"
            print(line)
        }
        let mine = scores[0]
        for detail in mine.missedDetails.prefix(5) { print("missed regression, testfleet: \(detail)") }
        for miss in broken.misses { print("broken test not caught within 2 builds: \(miss)") }
        print("")
        let warmup = min(50, parameters.builds / 4)
        for score in scores {
            let late = score.falseBlockBuilds.filter { $0 >= warmup }.count
            let lateClean = (warmup..<parameters.builds).filter { !synthetic.buildTruth[$0].outage }.count
            print("false-block rate after the first \(warmup) builds (history warmed up), \(score.detector): \(fmt(100 * Double(late) / Double(max(lateClean, 1)), 1))% (\(late)/\(lateClean))")
        }
        for score in scores where !score.falseBlockCauses.isEmpty {
            let causes = score.falseBlockCauses.sorted { $0.key < $1.key }.prefix(12).map { "\($0.key)×\($0.value)" }
            print("false blocks, \(score.detector): \(score.falseBlocks) builds, \(score.firstEpisodeBlocks) of them by a test's first failure episode; causes: " + causes.joined(separator: ", ") + (score.falseBlockCauses.count > 12 ? " …" : ""))
            if score.detector.hasPrefix("testfleet") { for reason in score.falseBlockReasons.prefix(5) { print("  \(reason)") } }
        }
        let targets = [
            ("precision >= 0.95 (tests >= 1%)", mine.precisionAtLeast1Percent >= 0.95),
            ("recall >= 0.90 (tests >= 1%)", mine.recallAtLeast1Percent >= 0.90),
            ("broken flagged within 2 builds with the right commit", (mine.brokenWithin2Builds ?? 0) >= 1),
            ("false-block < 1% of builds", mine.falseBlockRate < 0.01),
            ("missed regressions < 0.1%", mine.missedRegressionRate < 0.001),
        ]
        print("")
        for (target, met) in targets { print("target \(target): \(met ? "met" : "NOT met")") }
        let cover = scores[1]
        print("with the opt-in flaky-history cover (limit \(historyCoverLimit)): false-block \(fmt(cover.falseBlockRate * 100, 1))% (\(cover.falseBlocks)/\(cover.cleanBuilds)), \(cover.firstEpisodeBlocks) by a first failure episode; missed regressions \(fmt(cover.missedRegressionRate * 100, 2))% (\(cover.missedRegressions)/\(cover.regressionBuilds))")
        print("(SYNTHETIC history; total \(fmt(Date().timeIntervalSince(started), 1)) s)")

        var json: [String: Any] = ["benchmark": "flaky-eval", "synthetic": true, "tests": parameters.tests,
                                   "builds": parameters.builds, "seed": parameters.seed, "records": history.records.count,
                                   "via_store": true, "ingest_s": round4(stored.ingestSeconds), "load_s": round4(stored.loadSeconds)]
        for score in scores {
            var entry: [String: Any] = [
                "precision": round4(score.precision), "precision_ge_1pct": round4(score.precisionAtLeast1Percent),
                "recall_ge_1pct": round4(score.recallAtLeast1Percent), "f1_ge_1pct": round4(score.f1AtLeast1Percent),
                "false_positives": score.falsePositives, "false_block_rate": round4(score.falseBlockRate),
                "missed_regression_rate": round4(score.missedRegressionRate),
                "false_blocks": score.falseBlocks, "false_blocks_first_episode": score.firstEpisodeBlocks,
                "clean_builds": score.cleanBuilds,
                "false_blocks_after_warmup": score.falseBlockBuilds.filter { $0 >= min(50, parameters.builds / 4) }.count,
                "recall_by_bucket": Dictionary(uniqueKeysWithValues: score.buckets.map { ($0.label, round4($0.recall)) }),
                "f1_by_bucket": Dictionary(uniqueKeysWithValues: score.buckets.map { ($0.label, round4($0.f1)) }),
            ]
            if let median = score.buildsToDetectionMedian { entry["builds_to_detection_median"] = median }
            if let p90 = score.buildsToDetectionP90 { entry["builds_to_detection_p90"] = p90 }
            if let within = score.brokenWithin2Builds { entry["broken_within_2_builds"] = round4(within) }
            if let culprit = score.brokenCulpritAccuracy { entry["broken_culprit_accuracy"] = round4(culprit) }
            json[score.detector] = entry
        }
        let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    static func fmt(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
    static func round4(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }
}
