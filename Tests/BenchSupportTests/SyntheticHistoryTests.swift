import Model
import Testing
import Analyzer
@testable import BenchSupport

@Suite struct SyntheticHistoryTests {
    static var small: SyntheticFlakyHistory.Parameters {
        var parameters = SyntheticFlakyHistory.Parameters()
        parameters.tests = 400
        parameters.builds = 30
        parameters.flakyShare = 0.1
        parameters.brokenShare = 0.02
        return parameters
    }

    @Test func sameSeedSameHistoryAndLabelledSynthetic() throws {
        let first = SyntheticFlakyHistory(Self.small)
        let second = SyntheticFlakyHistory(Self.small)
        #expect(first.history.records == second.history.records)
        #expect(first.truth == second.truth)
        var other = Self.small
        other.seed = 2
        #expect(SyntheticFlakyHistory(other).history.records != first.history.records)
        #expect(first.history.testNames.allSatisfy { $0.hasPrefix("synthetic.") })
        #expect(first.history.builds.allSatisfy { $0.id.hasPrefix("synthetic-") })
        try first.history.validate()
    }

    @Test func retriesFollowFailuresOnAnotherWorkerAndArch() {
        let synthetic = SyntheticFlakyHistory(Self.small)
        let records = synthetic.history.records
        let firstConfirmation = 2 + Self.small.retries
        for (index, record) in records.enumerated() where record.attempt > 1 {
            let previous = records[index - 1]
            #expect(previous.test == record.test && previous.build == record.build)
            // Retries, and confirmation runs, go out together: the first of each wave follows
            // failures only (every ordinary attempt's, for a confirmation run), a later one may
            // follow a pass.
            if record.attempt == 2 { #expect(previous.outcome.isFailure) }
            if Int(record.attempt) == firstConfirmation {
                #expect(records[(index - firstConfirmation + 1)..<index].allSatisfy { $0.outcome.isFailure && $0.test == record.test })
            }
            #expect(previous.arch != record.arch)
        }
        // All retries, and all confirmation runs, of a test are recorded, however many passed.
        #expect(records.filter { $0.attempt == 2 }.count == records.filter { Int($0.attempt) == 1 + Self.small.retries }.count)
        let confirmed = records.filter { Int($0.attempt) == firstConfirmation }.count
        let lastConfirmation = records.filter { Int($0.attempt) == 1 + Self.small.retries + Self.small.confirmRetries }.count
        #expect(confirmed == lastConfirmation)
        // 1 + 2 retries, then up to 5 confirmation runs for a test that failed all three.
        #expect(records.allSatisfy { $0.attempt <= 3 + Self.small.confirmRetries })
        var perBuild: [Int32: Set<Int32>] = [:]
        for record in records where record.attempt == 4 { perBuild[record.build, default: []].insert(record.test) }
        #expect(perBuild.values.allSatisfy { $0.count <= Self.small.confirmLimit })
    }

    @Test func retriesOneByOneStopAtTheFirstPassAndOtherwiseRecordTheSameHistory() {
        var parameters = Self.small
        parameters.retriesOneByOne = true
        let oneByOne = SyntheticFlakyHistory(parameters).history.records
        let together = SyntheticFlakyHistory(Self.small).history.records
        for (index, record) in oneByOne.enumerated() where record.attempt > 1 && Int(record.attempt) <= 1 + parameters.retries {
            #expect(oneByOne[index - 1].outcome.isFailure)
        }
        // One random stream: one by one records a subset of the side-by-side history.
        #expect(oneByOne.count < together.count)
        let key = { (record: AttemptRecord) in "\(record.build)/\(record.test)/\(record.attempt)/\(record.outcome)" }
        #expect(Set(oneByOne.map(key)).isSubset(of: Set(together.map(key))))
    }

    /// The runs of known breaks in `records` (in build order): of tests that, before the run's
    /// build, had failed at least `minimumFailures` recorded runs and passed none.
    static func knownBreakRuns(_ records: [AttemptRecord], minimumFailures: Int) -> [AttemptRecord] {
        var failures: [Int32: Int] = [:], passed: Set<Int32> = []
        var known: Set<Int32> = []
        var build: Int32 = -1
        var thisBuild: [AttemptRecord] = []
        var runs: [AttemptRecord] = []
        for record in records {
            if record.build != build {
                for earlier in thisBuild {
                    if earlier.outcome.isFailure { failures[earlier.test, default: 0] += 1 } else { passed.insert(earlier.test) }
                }
                thisBuild.removeAll()
                build = record.build
                known = Set(failures.filter { !passed.contains($0.key) && $0.value >= minimumFailures }.keys)
            }
            if known.contains(record.test) { runs.append(record) }
            thisBuild.append(record)
        }
        return runs
    }

    /// A test whose every recorded run failed, a build's worth at least (here 1 + 0 retries + 1
    /// confirmation run), and that never passed gets no confirmation run; with
    /// `confirmKnownBreaks` it does, as before.
    @Test func knownBreaksGetNoConfirmationRuns() {
        var parameters = Self.small
        parameters.retries = 0
        parameters.confirmRetries = 1
        parameters.flakyShare = 0.9  // rates up to 50 %: some fail every run of their first builds
        parameters.stopConfirmingOnceLost = false  // a lost build's dropped runs aside
        func confirmationsOfKnownBreaks(_ parameters: SyntheticFlakyHistory.Parameters) -> (runs: Int, skips: Int) {
            let synthetic = SyntheticFlakyHistory(parameters)
            let runs = Self.knownBreakRuns(synthetic.history.records, minimumFailures: 2).filter { $0.attempt == 2 }.count
            return (runs, synthetic.knownBreakSkips)
        }
        let skipped = confirmationsOfKnownBreaks(parameters)
        #expect(skipped.runs == 0 && skipped.skips > 0, "\(skipped)")
        parameters.confirmKnownBreaks = true
        let confirmed = confirmationsOfKnownBreaks(parameters)
        #expect(confirmed.runs > 0 && confirmed.skips == 0, "\(confirmed)")
    }

    @Test func brokenTruthFailsEveryAttemptInsideItsWindow() {
        var parameters = Self.small
        parameters.bornBrokenShare = 0.02
        let synthetic = SyntheticFlakyHistory(parameters)
        for kind in [SyntheticTruth.Kind.broken, .bornBroken] {
            let broken = Set(synthetic.truth.indices.filter { synthetic.truth[$0].kind == kind })
            #expect(!broken.isEmpty)
            for record in synthetic.history.records where broken.contains(Int(record.test)) {
                let truth = synthetic.truth[Int(record.test)]
                if truth.isBroken(at: record.commit) { #expect(record.outcome == .failed) }
                // A test written broken is not run before it was written.
                if kind == .bornBroken { #expect(record.commit >= truth.brokenFrom!) }
            }
        }
    }

    /// A known break gets one retry (`knownBreakRetries`, as the coordinator gives it), two with
    /// `knownBreakRetries = 2`; both histories draw one random stream, so every first attempt is
    /// the same.
    @Test func knownBreaksGetOneRetryOnTheSameRandomStream() {
        var parameters = Self.small
        parameters.builds = 60
        parameters.confirmRetries = 1
        parameters.bornBrokenShare = 0.05
        parameters.knownBreaksSeeChanges = false  // a fix's lapse aside (next test)
        func retriesOfKnownBreaks(_ parameters: SyntheticFlakyHistory.Parameters) -> (attempts: Set<UInt8>, firsts: [AttemptRecord]) {
            let records = SyntheticFlakyHistory(parameters).history.records
            return (Set(Self.knownBreakRuns(records, minimumFailures: 4).map(\.attempt)), records.filter { $0.attempt == 1 })
        }
        let one = retriesOfKnownBreaks(parameters)
        #expect(one.attempts == [1, 2], "\(one.attempts)")
        parameters.knownBreakRetries = 2
        let two = retriesOfKnownBreaks(parameters)
        #expect(two.attempts == [1, 2, 3], "\(two.attempts)")
        #expect(one.firsts == two.firsts)
    }

    /// A test expected to fail (every recorded run of it failed, those of the previous build
    /// included) gets one ordinary retry before it is a known break, as the coordinator gives it
    /// (`BuildState.ordinaryAttempts`): never an attempt 3, its confirmation runs numbered past
    /// the build's ordinary attempts. With `expectedToFailRetries = 2`, the rule before it, on the
    /// same random stream: the same first attempts, and attempts 3 again.
    @Test func aTestExpectedToFailGetsOneRetryBeforeItsConfirmationRuns() {
        var parameters = Self.small
        parameters.builds = 60
        parameters.bornBrokenShare = 0.05
        parameters.knownBreaksSeeChanges = false  // a fix's lapse aside
        parameters.outageShare = 0
        parameters.ambientFailureRate = 0
        func runsOfExpected(_ parameters: SyntheticFlakyHistory.Parameters) -> (attempts: Set<UInt8>, firsts: [AttemptRecord]) {
            let records = SyntheticFlakyHistory(parameters).history.records
            var passed: Set<Int32> = [], failedLastBuild: Set<Int32> = [], attempts: Set<UInt8> = []
            for build in Dictionary(grouping: records, by: \.build).sorted(by: { $0.key < $1.key }) {
                let byTest = Dictionary(grouping: build.value, by: \.test)
                for (test, runs) in byTest where failedLastBuild.contains(test) && !passed.contains(test) {
                    attempts.formUnion(runs.map(\.attempt))
                }
                failedLastBuild = Set(byTest.filter { $0.value.allSatisfy(\.outcome.isFailure) }.keys)
                passed.formUnion(byTest.filter { $0.value.contains { !$0.outcome.isFailure } }.keys)
            }
            return (attempts, records.filter { $0.attempt == 1 })
        }
        let one = runsOfExpected(parameters)
        #expect(one.attempts.contains(2) && !one.attempts.contains(3) && one.attempts.contains(4), "\(one.attempts.sorted())")
        parameters.expectedToFailRetries = 2
        let two = runsOfExpected(parameters)
        #expect(two.attempts.contains(3), "\(two.attempts.sorted())")
        #expect(one.firsts == two.firsts)
    }

    /// Once a build cannot pass, failing tests past the first `retriedTestsOnceLost` get no
    /// retries: the same random stream, the same first attempts, fewer retries, and only in
    /// builds with more failing tests than that.
    @Test func aBroadBreakRetriesOnlyItsFirstFailingTests() {
        var parameters = Self.small
        parameters.builds = 40
        parameters.bornBrokenShare = 0.1
        let limited = SyntheticFlakyHistory(parameters).history.records
        parameters.retriedTestsOnceLost = nil
        let every = SyntheticFlakyHistory(parameters).history.records
        #expect(limited.filter { $0.attempt == 1 } == every.filter { $0.attempt == 1 })
        func retried(_ records: [AttemptRecord]) -> [Int32: Set<Int32>] {
            Dictionary(grouping: records.filter { $0.attempt == 2 }, by: \.build).mapValues { Set($0.map(\.test)) }
        }
        let limitedRetried = retried(limited), everyRetried = retried(every)
        var cut = 0
        for (build, tests) in everyRetried {
            let kept = limitedRetried[build] ?? []
            #expect(kept.isSubset(of: tests))
            if kept.count < tests.count {
                #expect(kept.count >= 10, "build \(build) retried \(kept.count) of \(tests.count) failing tests")
                cut += 1
            }
        }
        #expect(cut > 0)
    }

    /// A known break's fix commit lifts the rule for the build after it (`KnownBreakLapse`): a
    /// test written broken that fails its first run there gets every ordinary retry.
    @Test func aKnownBreaksFixGetsEveryRetryInTheBuildAfterIt() {
        var parameters = Self.small
        parameters.builds = 80
        parameters.bornBrokenShare = 0.1
        // A tenth of the tests born broken makes broad breaks: past the first failing tests of
        // a build that cannot pass, none gets retries (`retriedTestsOnceLost`), lapsed or not.
        parameters.retriedTestsOnceLost = nil
        let synthetic = SyntheticFlakyHistory(parameters)
        let builds = synthetic.history.builds
        var checked = 0
        for test in synthetic.truth.indices where synthetic.truth[test].kind == .bornBroken {
            guard let fixed = synthetic.truth[test].fixedAt,
                  let after = builds.indices.first(where: { $0 > 0 && builds[$0].commit >= fixed && builds[$0 - 1].commit < fixed })
            else { continue }
            let runs = synthetic.history.records.filter { Int($0.test) == test && Int($0.build) == after }
            guard runs.first(where: { $0.attempt == 1 })?.outcome == .failed else { continue }
            #expect(runs.contains { Int($0.attempt) == 1 + parameters.retries }, "\(runs)")
            checked += 1
        }
        #expect(checked > 0)
    }

    @Test func evaluationScoresAPerfectOracleAsPerfect() {
        let synthetic = SyntheticFlakyHistory(Self.small)
        let oracle = synthetic.truth.map(\.isFlaky)
        let flags = FlakyEvaluation.flags(flaky: oracle)
        let score = FlakyEvaluation.score(detector: "oracle", synthetic: synthetic, flagsAt: [30: flags],
                                          update: { _, tests, _ in tests.map { ($0, oracle[Int($0)], oracle[Int($0)] ? QuarantineReason.automatic : nil, nil) } },
                                          broken: nil)
        #expect(score.precision == 1)
        #expect(score.falsePositives == 0)
        #expect(score.recallAtLeast1Percent == 1)
        #expect(score.buckets.allSatisfy { $0.recall == 1 })
    }
}
