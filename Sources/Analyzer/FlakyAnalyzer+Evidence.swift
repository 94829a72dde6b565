import Model

extension FlakyAnalyzer {
    /// A test's figures after change-point detection, before the suite-wide FDR decision.
    struct Draft: Sendable {
        var flakyFailures = 0
        var flakyAttempts = 0
        var archFailures = [0, 0]
        var archAttempts = [0, 0]
        var evidence = TestEvidence()
        var latestBreak: ChangePointDetector.Break?
        var latestBreakArch: Arch?
        var latestBreakBuilds = 0
        /// Observations after the newest break ended (how long it has been fixed).
        var observationsSinceFix = 0
        var breakStarts = 0
        var lastFlakyFailureBuild: Int32?
        /// Builds outside breaks, and those of them in which every attempt failed.
        var flakyBuilds = 0
        var allFailedBuilds = 0

        /// Adds the record from before the window: its failures and attempts join the flaky
        /// figures (arch unknown, so not the per-arch ones that decide an arch confinement).
        mutating func addLongRange(_ record: LongRangeRecord) {
            flakyFailures += record.flakyFailures
            flakyAttempts += record.attempts
            evidence.rolledUpFlakyFailures += record.flakyFailures
            evidence.rolledUpAttempts += record.attempts
        }
    }

    static let archs: [Arch] = [.x86_64, .aarch64]

    /// Change points first (test-wide, then per arch on what is left), then the flaky figures
    /// and the evidence on everything outside the breaks.
    static func draft(for scan: TestScan, prior: BetaBinomial, configuration: AnalyzerConfiguration) -> Draft {
        var draft = Draft()
        let observations = scan.observations
        let count = observations.count
        // brokenMask bit 0: x86_64 attempts inside a break; bit 1: aarch64.
        var brokenMask = [UInt8](repeating: 0, count: count)
        var newestBreakStart = -1

        func note(_ found: [ChangePointDetector.Break], positions: [Int], arch: Arch?, bits: UInt8,
                  draft: inout Draft)
        {
            for found in found {
                draft.breakStarts += 1
                for index in found.range { brokenMask[positions[index]] |= bits }
                let start = positions[found.range.lowerBound]
                if start > newestBreakStart {
                    newestBreakStart = start
                    draft.latestBreak = found
                    draft.latestBreakArch = arch
                    draft.latestBreakBuilds = found.range.count
                    draft.observationsSinceFix = found.isOngoing ? 0 : count - 1 - positions[found.range.upperBound - 1]
                }
            }
        }

        // Breaks and flips are read along the target branch only: a side branch's builds add
        // same-commit evidence, and their own breaks never reach this scan (`TestScan.sideBreaks`).
        let alongTarget = observations.indices.filter { !observations[$0].sideBranch }
        let whole = alongTarget.map {
            ChangePointDetector.Observation(commit: observations[$0].commit, passes: observations[$0].totalPasses,
                                            failures: observations[$0].totalFailures)
        }
        // A side branch's builds in which the test passed are same-commit evidence of its rate
        // (a failure there beside a pass is flakiness, whoever's commit it is): the rate a run of
        // failures on main is weighed against includes them. Without this a 48 %-flaky test
        // whose failures so far fell on PR builds read as broken at its first failure on main.
        var sideFailures = 0, sideAttempts = 0
        for observation in observations where observation.sideBranch && observation.totalPasses > 0 {
            sideFailures += observation.totalFailures
            sideAttempts += observation.totalFailures + observation.totalPasses
        }
        let breakPrior = prior.posterior(failures: sideFailures, attempts: sideAttempts)
        let wholeBreaks = ChangePointDetector.droppingRepeatedBlips(ChangePointDetector.breaks(
            in: whole, prior: breakPrior, likelihood: configuration.brokenLikelihood,
            minimumFailures: configuration.minimumBrokenFailures))
        note(wholeBreaks, positions: alongTarget, arch: nil, bits: 3, draft: &draft)

        for arm in 0..<2 {
            var positions: [Int] = []
            var sequence: [ChangePointDetector.Observation] = []
            for (index, observation) in observations.enumerated()
            where brokenMask[index] == 0 && !observation.sideBranch
                && observation.passes(arch: arm) + observation.failures(arch: arm) > 0 {
                positions.append(index)
                sequence.append(ChangePointDetector.Observation(
                    commit: observation.commit, passes: observation.passes(arch: arm),
                    failures: observation.failures(arch: arm)))
            }
            guard sequence.contains(where: { $0.failures > 0 }) else { continue }
            let found = ChangePointDetector.droppingRepeatedBlips(ChangePointDetector.breaks(
                in: sequence, prior: breakPrior, likelihood: configuration.brokenLikelihood,
                minimumFailures: configuration.minimumBrokenFailures))
            note(found, positions: positions, arch: archs[arm], bits: arm == 0 ? 1 : 2, draft: &draft)
        }

        // Flaky figures and same-commit evidence outside the breaks.
        var groupCommit: Int32 = -1
        var groupPasses = [0, 0], groupFailures = [0, 0]
        func closeGroup(_ draft: inout Draft) {
            for arm in 0..<2 where groupPasses[arm] > 0 && groupFailures[arm] > 0 {
                draft.evidence.sameCommitMixed += 1
                draft.evidence.sameCommitFailures += groupFailures[arm]
            }
            groupPasses = [0, 0]
            groupFailures = [0, 0]
        }
        var previousCommitFailed: Bool?
        var commitFailed = false, groupOnTarget = false
        for (index, observation) in observations.enumerated() {
            if observation.commit != groupCommit {
                closeGroup(&draft)
                if groupOnTarget {
                    if let previous = previousCommitFailed, previous != commitFailed { draft.evidence.flips += 1 }
                    previousCommitFailed = commitFailed
                }
                groupCommit = observation.commit
                groupOnTarget = false
                commitFailed = false
            }
            // Flips compare commits along the target branch; a side branch's build of the same
            // commit adds same-commit evidence only.
            if !observation.sideBranch {
                if !groupOnTarget { draft.evidence.commits += 1 }
                groupOnTarget = true
                if observation.totalFailures > 0 { commitFailed = true }
            }
            if observation.passedAfterFailure { draft.evidence.passedOnRetry += 1 }
            if brokenMask[index] == 0 {
                draft.flakyBuilds += 1
                if observation.totalPasses == 0 && observation.totalFailures > 0 { draft.allFailedBuilds += 1 }
            }
            for arm in 0..<2 where brokenMask[index] & (arm == 0 ? 1 : 2) == 0 {
                let passes = observation.passes(arch: arm), failures = observation.failures(arch: arm)
                groupPasses[arm] += passes
                groupFailures[arm] += failures
                draft.archFailures[arm] += failures
                draft.archAttempts[arm] += passes + failures
                if failures > 0, (draft.lastFlakyFailureBuild ?? -1) < observation.build {
                    draft.lastFlakyFailureBuild = observation.build
                }
            }
        }
        closeGroup(&draft)
        if groupOnTarget, let previous = previousCommitFailed, previous != commitFailed { draft.evidence.flips += 1 }
        draft.flakyFailures = draft.archFailures[0] + draft.archFailures[1]
        draft.flakyAttempts = draft.archAttempts[0] + draft.archAttempts[1]
        draft.evidence.infrastructureDiscounted = scan.discounted
        return draft
    }

    /// The arch a flaky test's failures are confined to, if the other arch's clean record can't
    /// be luck: it ran nB times without failing, and (1 − rate_A)^nB < 1 %.
    static func confinedArch(_ draft: Draft) -> Arch? {
        for arm in 0..<2 {
            let other = 1 - arm
            guard draft.archFailures[arm] > 0, draft.archFailures[other] == 0, draft.archAttempts[other] > 0 else {
                continue
            }
            let rate = Double(draft.archFailures[arm]) / Double(draft.archAttempts[arm])
            if pow(1 - rate, Double(draft.archAttempts[other])) < 0.01 { return archs[arm] }
        }
        return nil
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
