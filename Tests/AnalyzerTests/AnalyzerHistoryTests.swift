import Model
import Testing
@testable import Analyzer
import BenchSupport

/// Small histories built by hand, run through the whole analyser.
@Suite struct AnalyzerHistoryTests {
    /// `stable` tests that always pass, to give the suite a body.
    static func addStable(_ builder: inout AttemptHistory.Builder, build: Int32, count: Int = 20) {
        for index in 0..<count {
            builder.attempt("suite::stable_\(index)", build: build, attempt: 1, outcome: .passed, worker: "w\(index % 4)")
        }
    }

    @Test func brokenSinceCommitWithItsRange() throws {
        var builder = AttemptHistory.Builder()
        for build in 0..<6 {
            let index = builder.build(id: "b\(build)", commit: "c\(build)")
            Self.addStable(&builder, build: index)
            if build < 3 {
                builder.attempt("suite::breaks", build: index, attempt: 1, outcome: .passed)
            } else {
                for attempt in 1...3 {
                    builder.attempt("suite::breaks", build: index, attempt: attempt, outcome: .failed,
                                    arch: attempt == 2 ? .aarch64 : .x86_64, worker: "w\(attempt)")
                }
            }
        }
        let analysis = FlakyAnalyzer.analyze(builder.history)
        let test = try #require(analysis.tests.first { $0.name == "suite::breaks" })
        #expect(test.state == .broken)
        #expect(test.arch == nil)
        #expect(test.sinceCommit == "c3")
        #expect(test.latestBreak?.lastPassingCommit == "c2")
        #expect(test.flakyFailures == 0)
        #expect(!test.flagged)
        #expect(analysis.tests.filter { $0.state != .stable }.map(\.name) == ["suite::breaks"])
    }

    @Test func passOnRetryIsFlakyAndQuarantinedUntilCleanRunsReleaseIt() throws {
        var configuration = AnalyzerConfiguration()
        configuration.quarantineReleaseRate = 0.1  // n = ⌈3 / 0.1⌉ = 30 clean attempts
        #expect(configuration.quarantineReleaseRuns == 30)
        var builder = AttemptHistory.Builder()
        // Builds 0, 2, 4, 6: fail then pass on retry (on the same arch, another worker).
        for build in 0..<7 {
            let index = builder.build(id: "b\(build)", commit: "c\(build)")
            Self.addStable(&builder, build: index)
            if build % 2 == 0 {
                builder.attempt("suite::flaky", build: index, attempt: 1, outcome: .failed, worker: "w1")
                builder.attempt("suite::flaky", build: index, attempt: 2, outcome: .passed, worker: "w2")
            } else {
                builder.attempt("suite::flaky", build: index, attempt: 1, outcome: .passed)
            }
        }
        // After build 6 the clean run is 1 (its retry); 28 more clean builds make 29.
        for build in 7..<35 {
            let index = builder.build(id: "b\(build)", commit: "c\(build)")
            Self.addStable(&builder, build: index)
            builder.attempt("suite::flaky", build: index, attempt: 1, outcome: .passed)
        }
        let before = try #require(FlakyAnalyzer.analyze(builder.history, configuration: configuration).tests.first { $0.name == "suite::flaky" })
        #expect(before.cleanRunsSinceLastFailure == 29)
        #expect(before.flagged)
        #expect(before.state == .quarantined)
        #expect(before.quarantine == .automatic)
        #expect(before.evidence.passedOnRetry == 4)
        #expect(before.evidence.sameCommitMixed == 4)
        // 4 flaky failures in 39 attempts.
        #expect(before.flakyFailures == 4)
        #expect(before.flakyAttempts == 39)

        let index = builder.build(id: "b35", commit: "c35")
        Self.addStable(&builder, build: index)
        builder.attempt("suite::flaky", build: index, attempt: 1, outcome: .passed)
        let after = try #require(FlakyAnalyzer.analyze(builder.history, configuration: configuration).tests.first { $0.name == "suite::flaky" })
        #expect(after.cleanRunsSinceLastFailure == 30)
        #expect(after.state == .fixed)
        #expect(after.quarantine == nil)
    }

    @Test func onePassOnRetryQuarantinesProvisionallyWithoutAFlag() throws {
        var builder = AttemptHistory.Builder()
        for build in 0..<10 {
            let index = builder.build(id: "b\(build)", commit: "c\(build)")
            Self.addStable(&builder, build: index, count: 200)
            builder.attempt("suite::once", build: index, attempt: 1, outcome: build == 4 ? .failed : .passed)
            if build == 4 { builder.attempt("suite::once", build: index, attempt: 2, outcome: .passed, worker: "w2") }
        }
        let test = try #require(FlakyAnalyzer.analyze(builder.history).tests.first { $0.name == "suite::once" })
        #expect(test.evidence.passedOnRetry == 1)
        #expect(!test.flagged)  // one failure among 201 tests is not significant at 5 %
        #expect(test.quarantine == .provisional)
        #expect(test.state == .quarantined)
        var configuration = AnalyzerConfiguration()
        configuration.provisionalQuarantine = false
        #expect(FlakyAnalyzer.analyze(builder.history, configuration: configuration).tests.first { $0.name == "suite::once" }?.state == .stable)
    }

    @Test func manualQuarantineAndRelease() throws {
        var builder = AttemptHistory.Builder()
        for build in 0..<4 {
            let index = builder.build(id: "b\(build)", commit: "c\(build)")
            Self.addStable(&builder, build: index)
        }
        let manual = [ManualQuarantine(test: "suite::stable_3", quarantined: true, atBuild: 1)]
        let analysis = FlakyAnalyzer.analyze(builder.history, manual: manual)
        #expect(analysis.tests.filter { $0.quarantine != nil }.map(\.name) == ["suite::stable_3"])
        #expect(analysis.tests.first { $0.name == "suite::stable_3" }?.quarantine == .manual)
        // A later release wins over the earlier quarantine.
        let released = FlakyAnalyzer.analyze(
            builder.history, manual: manual + [ManualQuarantine(test: "suite::stable_3", quarantined: false, atBuild: 2)])
        #expect(!released.tests.contains { $0.quarantine != nil })
    }

    @Test func outageBuildAndBadWorkerAreDiscounted() throws {
        var builder = AttemptHistory.Builder()
        for build in 0..<6 {
            let index = builder.build(id: "b\(build)", commit: "c\(build)")
            for test in 0..<40 {
                // Build 3 is an outage: every test fails. Worker "bad" fails everything in build 4.
                let worker = build == 4 && test < 12 ? "bad" : "w\(test % 4)"
                let fails = build == 3 || worker == "bad"
                builder.attempt("suite::t\(test)", build: index, attempt: 1, outcome: fails ? .failed : .passed, worker: worker)
                if fails {
                    builder.attempt("suite::t\(test)", build: index, attempt: 2, outcome: .passed, worker: "w9")
                }
            }
        }
        let analysis = FlakyAnalyzer.analyze(builder.history)
        #expect(analysis.outageBuildIDs == ["b3"])
        #expect(analysis.flaggedWorkers.map(\.worker) == ["bad"])
        #expect(analysis.flaggedWorkers.first?.builds == ["b4"])
        #expect(analysis.tests.allSatisfy { $0.state == .stable && $0.flakyFailures == 0 })
        #expect(analysis.tests[0].evidence.infrastructureDiscounted == 3)  // both attempts in b3, the bad one in b4
    }

    /// A break whose every attempt of its first build landed on one worker (with a flaky test's
    /// first failure beside it) leaves that worker looking ten times worse than the other: the
    /// failures are the test's own, so the worker is not flagged and the break dates from that build.
    @Test func aBreakRetriedOnOneWorkerDoesNotMakeTheWorkerBad() throws {
        var builder = AttemptHistory.Builder()
        for (index, commit) in ["a1", "a2", "a3", "a4", "a5"].enumerated() {
            let build = builder.build(id: "b\(index)", commit: commit)
            let broken = index >= 3
            // In the first broken build worker "one" runs the broken test's 8 attempts and two
            // stable ones; the second broken build splits the attempts between the workers.
            for test in 0..<20 {
                builder.attempt("ok\(test)", build: build, attempt: 1, outcome: .passed,
                                worker: index == 3 && test >= 2 ? "two" : test % 2 == 0 ? "one" : "two")
            }
            builder.attempt("flaky", build: build, attempt: 1, outcome: .failed, worker: "one")
            builder.attempt("flaky", build: build, attempt: 2, outcome: .passed, worker: "two")
            for attempt in 1...(broken ? 8 : 1) {
                builder.attempt("broken", build: build, attempt: attempt, outcome: broken ? .failed : .passed,
                                worker: index == 3 || attempt % 2 == 1 ? "one" : "two")
            }
        }
        let analysis = FlakyAnalyzer.analyze(builder.history)
        #expect(analysis.flaggedWorkers.isEmpty)
        let broken = try #require(analysis.tests.first { $0.name == "broken" })
        #expect(broken.state == .broken)
        #expect(broken.sinceCommit == "a4")
    }

    @Test func aarch64OnlyBreakAndFlake() throws {
        var builder = AttemptHistory.Builder()
        for build in 0..<12 {
            let index = builder.build(id: "b\(build)", commit: "c\(build)")
            Self.addStable(&builder, build: index)
            // Broken on aarch64 from build 6: fails there, passes on x86_64.
            if build < 6 {
                builder.attempt("suite::arm_break", build: index, attempt: 1, outcome: .passed, arch: .aarch64)
            } else {
                builder.attempt("suite::arm_break", build: index, attempt: 1, outcome: .failed, arch: .aarch64, worker: "a1")
                builder.attempt("suite::arm_break", build: index, attempt: 2, outcome: .failed, arch: .aarch64, worker: "a2")
                builder.attempt("suite::arm_break", build: index, attempt: 3, outcome: .passed, arch: .x86_64, worker: "x1")
            }
            // Flaky on aarch64 only: every other build fails there and passes on an x86_64 retry.
            builder.attempt("suite::arm_flaky", build: index, attempt: 1, outcome: .passed, arch: .x86_64)
            if build % 2 == 0 {
                builder.attempt("suite::arm_flaky", build: index, attempt: 2, outcome: .failed, arch: .aarch64, worker: "a1")
                builder.attempt("suite::arm_flaky", build: index, attempt: 3, outcome: .passed, arch: .aarch64, worker: "a2")
            } else {
                builder.attempt("suite::arm_flaky", build: index, attempt: 2, outcome: .passed, arch: .aarch64, worker: "a1")
            }
        }
        let analysis = FlakyAnalyzer.analyze(builder.history)
        let armBreak = try #require(analysis.tests.first { $0.name == "suite::arm_break" })
        #expect(armBreak.state == .broken)
        #expect(armBreak.arch == .aarch64)
        #expect(armBreak.sinceCommit == "c6")
        let armFlaky = try #require(analysis.tests.first { $0.name == "suite::arm_flaky" })
        #expect(armFlaky.flagged)
        #expect(armFlaky.arch == .aarch64)
        #expect(armFlaky.flakyFailures == 6)
    }

    @Test func reanalyzeAgreesWithAFullAnalysis() throws {
        var parameters = SyntheticFlakyHistory.Parameters()
        parameters.tests = 300
        parameters.builds = 40
        let synthetic = SyntheticFlakyHistory(parameters)
        let full = FlakyAnalyzer.analyze(synthetic.history)
        let some = (0..<40).map { Int32($0) }
        let again = FlakyAnalyzer.reanalyze(synthetic.history, tests: some, using: full)
        for analysis in again {
            let original = full.tests[Int(analysis.test)]
            #expect(analysis.flakyFailures == original.flakyFailures)
            #expect(analysis.flakyAttempts == original.flakyAttempts)
            #expect(analysis.pValue == original.pValue)
            #expect(analysis.latestBreak == original.latestBreak)
            // Between the BH cut and the bar for one more rejection the incremental flag may be
            // more generous; elsewhere it must agree.
            if analysis.pValue <= full.flagThreshold || analysis.pValue > full.nextFlagBar {
                #expect(analysis.flagged == original.flagged)
                #expect(analysis.state == original.state)
            }
        }
    }
}
