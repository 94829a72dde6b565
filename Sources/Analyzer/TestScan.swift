/// One test's attempts folded into per-build observations: the only per-test data the
/// analyser's statistical passes read. Built once per analysis from the grouped records.
struct TestScan: Sendable {
    /// A test's attempts in one build, split by arch (index 0 x86_64, 1 aarch64), after
    /// infrastructure discounting.
    struct BuildObservation: Sendable {
        var build: Int32
        var commit: Int32
        var passes: (Int32, Int32) = (0, 0)
        var failures: (Int32, Int32) = (0, 0)
        /// A failed attempt was followed by a passing one in this build.
        var passedAfterFailure = false
        /// The build ran on a side branch (a PR): same-commit evidence only, never a flip or a
        /// break along the target branch.
        var sideBranch = false

        var totalPasses: Int { Int(passes.0 + passes.1) }
        var totalFailures: Int { Int(failures.0 + failures.1) }
        func passes(arch: Int) -> Int { Int(arch == 0 ? passes.0 : passes.1) }
        func failures(arch: Int) -> Int { Int(arch == 0 ? failures.0 : failures.1) }
    }

    /// Observations with at least one counted attempt, in commit order (then build order).
    var observations: [BuildObservation] = []
    var totalAttempts = 0
    var totalFailures = 0
    var discounted = 0
    var harm = TestHarm()
    /// Counted attempts that passed since the last counted failure, in build order.
    var cleanRunsSinceLastFailure = 0
    /// The longest run of clean attempts between two counted failures.
    var longestCleanGap = 0
    var lastFailureBuild: Int32?
    /// Side-branch (PR) builds in which every counted attempt failed, in build order: that
    /// branch's breaks, left out of every other figure (they are no flakiness, and no break of
    /// the target branch).
    var sideBreaks: [Int32] = []

    /// When the build starting at `scratch[start]` failed every counted attempt (a side branch's
    /// break), the index just past its records; nil when some attempt passed or none counted.
    static func sideBreakEnd(_ scratch: [AttemptRecord], from start: Int, infrastructure: InfrastructureEffects) -> Int? {
        let build = scratch[start].build
        var end = start, failed = false, passed = false
        while end < scratch.count, scratch[end].build == build {
            let record = scratch[end]
            end += 1
            guard record.isEvidence, !infrastructure.excludes(record) else { continue }
            if record.outcome.isFailure { failed = true } else { passed = true }
        }
        return failed && !passed ? end : nil
    }

    /// Scans one test's records (`records[order[range]]`). `scratch` is reused between tests to
    /// keep the hot loop free of allocations.
    static func scan(records: [AttemptRecord], order: ArraySlice<Int32>, infrastructure: InfrastructureEffects,
                     sideBranch: [Bool] = [], scratch: inout [AttemptRecord]) -> TestScan
    {
        scratch.removeAll(keepingCapacity: true)
        var sorted = true
        var previous: (Int32, UInt8) = (Int32.min, 0)
        for index in order {
            let record = records[Int(index)]
            if (record.build, record.attempt) < previous { sorted = false }
            previous = (record.build, record.attempt)
            scratch.append(record)
        }
        if !sorted { scratch.sort { ($0.build, $0.attempt) < ($1.build, $1.attempt) } }

        var scan = TestScan()
        var current: BuildObservation?
        var rawPass = false, rawFail = false, sawFailure = false
        func close(_ observation: BuildObservation?, into scan: inout TestScan) {
            guard let observation else { return }
            if rawFail, !rawPass, !infrastructure.outageBuilds[Int(observation.build)] { scan.harm.failedBuilds += 1 }
            if observation.totalPasses + observation.totalFailures > 0 { scan.observations.append(observation) }
        }
        var position = 0
        while position < scratch.count {
            let record = scratch[position]
            position += 1
            if current?.build != record.build {
                close(current, into: &scan)
                current = nil
                let side = Int(record.build) < sideBranch.count && sideBranch[Int(record.build)]
                if side, let end = sideBreakEnd(scratch, from: position - 1, infrastructure: infrastructure) {
                    scan.sideBreaks.append(record.build)
                    position = end
                    continue
                }
                current = BuildObservation(build: record.build, commit: record.commit)
                current!.sideBranch = side
                rawPass = false
                rawFail = false
                sawFailure = false
            }
            if record.attempt > 1 { scan.harm.retrySeconds += Double(record.duration) }
            guard record.isEvidence else { continue }
            let failed = record.outcome.isFailure
            if failed { rawFail = true } else { rawPass = true }
            scan.totalAttempts += 1
            if failed { scan.totalFailures += 1 }
            if infrastructure.excludes(record) {
                scan.discounted += 1
                continue
            }
            let arm = record.arch == .x86_64 ? 0 : 1
            if failed {
                if arm == 0 { current!.failures.0 += 1 } else { current!.failures.1 += 1 }
                sawFailure = true
                if scan.lastFailureBuild != nil {
                    scan.longestCleanGap = max(scan.longestCleanGap, scan.cleanRunsSinceLastFailure)
                }
                scan.cleanRunsSinceLastFailure = 0
                scan.lastFailureBuild = record.build
            } else {
                if arm == 0 { current!.passes.0 += 1 } else { current!.passes.1 += 1 }
                if sawFailure { current!.passedAfterFailure = true }
                scan.cleanRunsSinceLastFailure += 1
            }
        }
        close(current, into: &scan)
        // Commit order for change points and flips; builds are usually in commit order already.
        var inOrder = true
        for index in scan.observations.indices.dropFirst() {
            let a = scan.observations[index - 1], b = scan.observations[index]
            if (b.commit, b.build) < (a.commit, a.build) {
                inOrder = false
                break
            }
        }
        if !inOrder { scan.observations.sort { ($0.commit, $0.build) < ($1.commit, $1.build) } }
        return scan
    }
}
