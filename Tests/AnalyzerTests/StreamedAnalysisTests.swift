import Foundation
import Testing
import Model
import Store
@testable import Analyzer

/// The streamed analysis (`analyzeStreamed`: two passes over a SQLite store, tests read in
/// batches, observations packed) gives exactly the whole-store analysis, on a real store whose
/// history has every kind of evidence: flaky, broken, fixed and arch-confined tests, retries,
/// skips, a bad worker, an outage build, pull-request builds and their own breaks, re-run
/// commits, commit positions and test names whose byte order differs from their first sight.
@Suite struct StreamedAnalysisTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-streamed-\(UUID().uuidString)").path

    /// 70 builds of 45 tests: outcomes from a seeded random stream, so the history is the same
    /// at every run.
    func fill(_ store: Store) throws {
        let names = (0..<36).map { "pkg\($0 % 7)::test_\($0)" } + ["Zeta::upper", "a::lower", "é::accent", "z::flaky",
            "z::broken", "z::fixed", "z::arm", "z::skips", "z::prbreak"]
        for index in 0..<70 {
            let pullRequest = index % 9 == 4
            let rerun = index % 13 == 7  // the previous main commit again
            let commit = pullRequest ? "pr\(index)" : rerun ? "c\(index - 1)" : "c\(index)"
            var spec = BuildSpec(id: "b\(String(format: "%03d", 70 - index))-\(index)", suite: "unit", commit: commit,
                                 branch: pullRequest ? "feature-\(index % 2)" : "main", base: pullRequest ? "c\(index - 1)" : nil,
                                 maxAttempts: 3)
            if !pullRequest, index % 3 != 0 { spec.commitPosition = rerun ? index - 1 : index }
            try store.createBuild(spec, testCount: names.count)
            var results: [TestResult] = []
            for (position, name) in names.enumerated() {
                let draw = SeededRandom.unit(seed: 7, index: UInt64(index * 100 + position), stream: 1)
                let worker = name == "z::arm" ? "arm1" : "w\((index + position) % 3 + 1)"
                let arch: Arch = name == "z::arm" || position % 11 == 5 ? .aarch64 : .x86_64
                var failsFirst = draw < 0.01
                switch name {
                case "z::flaky": failsFirst = draw < 0.3
                case "z::broken": failsFirst = index >= 50 && !pullRequest
                case "z::fixed": failsFirst = (20..<30).contains(index)
                case "z::arm": failsFirst = draw < 0.35
                case "z::prbreak": failsFirst = pullRequest && index % 2 == 0
                default: break
                }
                if worker == "w3", (40..<46).contains(index), draw < 0.6 { failsFirst = true }  // a bad worker
                if index == 60, position % 10 != 0 { failsFirst = true }  // an outage build
                if name == "z::skips", index % 4 == 0 {
                    results.append(TestResult(test: name, attempt: 1, outcome: .skipped, duration: 0, worker: worker, arch: arch))
                    continue
                }
                let stuck = ["z::broken", "z::fixed", "z::prbreak"].contains(name)
                results.append(TestResult(test: name, attempt: 1, outcome: failsFirst ? .failed : .passed,
                                          duration: 0.01 * Double(position + 1), worker: worker, arch: arch))
                if failsFirst {
                    let retryWorker = worker == "arm1" ? "arm1" : "w\((index + position + 1) % 3 + 1)"
                    results.append(TestResult(test: name, attempt: 2, outcome: stuck ? .failed : .passed,
                                              duration: 0.013 * Double(position + 1), worker: retryWorker, arch: arch))
                    if stuck {
                        results.append(TestResult(test: name, attempt: 3, outcome: .error, duration: 0.02, worker: worker, arch: arch))
                    }
                }
            }
            try store.recordResults(build: spec.id, results)
            try store.finishBuild(spec.id, verdict: .pass, outage: index == 60)
        }
        try store.quarantine(test: "z::flaky", reason: "tracked")
        _ = try store.release(test: "z::flaky")
    }

    func expectSame(_ whole: FlakyAnalysis, _ streamed: FlakyAnalysis, _ label: String) {
        #expect(streamed.tests.count == whole.tests.count, "\(label)")
        // The first test that differs, by name (the whole arrays would bury it).
        let differing = zip(streamed.tests, whole.tests).first { $0 != $1 }
        #expect(differing == nil, "\(label): \(differing.map { "\($0.0.name): streamed \($0.0), whole \($0.1)" } ?? "")")
        #expect(streamed.prior == whole.prior, "\(label)")
        #expect(streamed.ambientFailureRate == whole.ambientFailureRate, "\(label)")
        #expect(streamed.regressionRate == whole.regressionRate, "\(label)")
        #expect(streamed.flagThreshold == whole.flagThreshold, "\(label)")
        #expect(streamed.nextFlagBar == whole.nextFlagBar, "\(label)")
        #expect(streamed.infrastructure.outageBuilds == whole.infrastructure.outageBuilds, "\(label)")
        #expect(streamed.infrastructure.buildFailureShare == whole.infrastructure.buildFailureShare, "\(label)")
        #expect(streamed.infrastructure.badWorkers == whole.infrastructure.badWorkers, "\(label)")
        #expect(streamed.infrastructure.badCells == whole.infrastructure.badCells, "\(label)")
        #expect(streamed.workerNames == whole.workerNames, "\(label)")
        #expect(streamed.buildIDs == whole.buildIDs, "\(label)")
    }

    @Test func theStreamedAnalysisIsTheWholeStoreAnalysis() throws {
        let store = try Store(path: directory + "/history.db")
        try fill(store)
        for window in [nil, 70, 45, 12] as [Int?] {
            let (history, whole) = try FlakyAnalyzer.analyze(store: store, lastBuilds: window, saveSnapshot: false)
            if window == nil {
                // The history has what the comparison is about (else equal output proves little).
                #expect(history.records.count > 3_000)
                #expect(whole.tests.contains { $0.state == .flaky }, "a flaky test")
                #expect(whole.tests.contains { $0.state == .broken }, "a broken test")
                #expect(whole.tests.contains { $0.latestBreak?.fixedAtCommit != nil }, "a fixed break")
                #expect(whole.tests.contains { $0.branchBreak != nil }, "a pull request's own break")
                #expect(!whole.outageBuildIDs.isEmpty, "an outage")
                #expect(!whole.infrastructure.badCells.isEmpty || !whole.infrastructure.badWorkers.isEmpty, "a bad worker")
                #expect(whole.tests.contains { $0.harm.retrySeconds > 0 })
            }
            // Batches of one result (every test its own batch), of a few tests, and one batch.
            for batch in [1, 150, FlakyAnalyzer.streamedBatchResults] {
                let streamed = try FlakyAnalyzer.analyzeStreamed(store: store, lastBuilds: window, saveSnapshot: false,
                                                                 batchResults: batch)
                expectSame(whole, streamed, "window \(window.map(String.init) ?? "all"), batch \(batch)")
            }
        }
    }

    @Test func theStreamedAnalysisSavesTheSameSnapshot() throws {
        let store = try Store(path: directory + "/snapshot.db")
        try fill(store)
        _ = try FlakyAnalyzer.analyzeStreamed(store: store, lastBuilds: 50, batchResults: 200)
        let streamed = try #require(try store.snapshot())
        _ = try FlakyAnalyzer.analyze(store: store, lastBuilds: 50)
        #expect(try store.snapshot() == streamed)
        #expect(streamed.buildSeq == (try store.latestBuildSeq()))
    }

    /// Counts past what a packed word holds (127) keep their observations unpacked, exactly.
    @Test func packedScansGiveBackEveryScanExactly() {
        var scan = TestScan()
        var big = TestScan.BuildObservation(build: 1, commit: 0)
        big.passes = (200, 3)
        var small = TestScan.BuildObservation(build: 2, commit: 1)
        small.failures = (0, 127)
        small.passedAfterFailure = true
        small.sideBranch = true
        scan.observations = [small]
        scan.sideBreaks = [0]
        var packed = PackedScans(testCount: 2, buildCommits: [0, 0, 1])
        packed.store(scan, test: 0)
        var unpackable = scan
        unpackable.observations = [small, big]
        packed.store(unpackable, test: 1)
        for (test, expected) in [scan, unpackable].enumerated() {
            let back = packed.scan(test)
            #expect(back.observations.count == expected.observations.count)
            for (a, b) in zip(back.observations, expected.observations) {
                #expect(a.build == b.build && a.commit == b.commit && a.passes == b.passes && a.failures == b.failures
                        && a.passedAfterFailure == b.passedAfterFailure && a.sideBranch == b.sideBranch)
            }
            #expect(back.sideBreaks == expected.sideBreaks)
        }
    }
}
