import Foundation
import Model
import Planning
import Store
import Testing

/// The SQL timing fold (`Store.foldTimingSQL`) against the model's own rule
/// (`TimingRecord.observe`) and the store's row loop, on a real SQLite file: same numbers.
@Suite struct TimingFoldTests {
    static let rule = Store.TimingRule(ewmaWeight: TimingRecord.ewmaWeight, p90StepFloor: TimingRecord.p90StepFloor,
                                       shortestDuration: TimingRecord.shortestDuration)

    @Test func sqlFoldEqualsTimingRecordObserve() throws {
        let directory = Testfleet.temporaryDirectory()
        let sql = try Store(path: directory + "/sql.db"), loop = try Store(path: directory + "/loop.db")
        var expected: [String: TimingRecord] = [:]
        // 12 builds of 40 tests: varied durations (0 included), some retried, some errors, two arches.
        for number in 0..<12 {
            let spec = BuildSpec(id: "b\(number)", suite: "synthetic", maxAttempts: 3)
            var results: [TestResult] = []
            for test in 0..<40 {
                let name = "tests/t.py::test_\(test)"
                let arch: Arch = test % 5 == 0 ? .aarch64 : .x86_64
                let attempts = test % 7 == 0 ? 3 : 1
                for attempt in 1...attempts {
                    let seconds = test % 11 == 0 ? 0 : Double(test + 1) * 0.01 * (0.5 + SeededRandom.unit(seed: 11, index: UInt64(number * 100 + test), stream: UInt64(attempt)))
                    let outcome: Outcome = attempt < attempts ? (test % 3 == 0 ? .error : .failed) : .passed
                    results.append(TestResult(test: name, attempt: attempt, outcome: outcome, duration: seconds,
                                              worker: "w", arch: arch))
                    if outcome != .error { expected[name + "@" + arch.rawValue, default: TimingRecord(test: name, arch: arch)].observe(seconds) }
                }
            }
            for store in [sql, loop] {
                try store.createBuild(spec, testCount: 40)
                try store.recordResults(build: spec.id, results)
            }
            try sql.foldTimingSQL(build: spec.id, rule: Self.rule)
            try loop.foldTiming(build: spec.id) { state, seconds in
                var record = TimingRecord(test: "", arch: .x86_64, ewma: state.ewma, p90: state.p90, samples: state.samples)
                record.observe(seconds)
                state = TimingState(ewma: record.ewma, p90: record.p90, samples: record.samples)
            }
        }
        for store in [sql, loop] {
            let stored = try store.timingRecords(TimingRecord.init(test:arch:ewma:p90:samples:))
            #expect(stored.count == expected.count)
            for record in stored {
                let want = try #require(expected[record.test + "@" + record.arch.rawValue])
                #expect(record.samples == want.samples)
                #expect(abs(record.ewma - want.ewma) <= 1e-9 * max(1, want.ewma), "\(record.test) ewma")
                #expect(abs(record.p90 - want.p90) <= 1e-9 * max(1, want.p90), "\(record.test) p90")
            }
        }
        // And the planner predicts from it: a test with history gets its own estimate.
        let model = TimingModel(records: try sql.timingRecords(TimingRecord.init(test:arch:ewma:p90:samples:)))
        #expect(model.prediction(test: "tests/t.py::test_3", arch: .x86_64).source == .history)
        #expect(model.prediction(test: "tests/t.py::test_new", arch: .x86_64).source == .fileMedian)
    }
}
