import Testing
import Model
@testable import Planning
#if canImport(Glibc)
import Glibc
#endif

@Suite struct TimingModelTests {
    @Test func firstSampleSetsBothEstimatesAndLaterOnesMoveThem() {
        var record = TimingRecord(test: "a.py::t", arch: .x86_64)
        record.observe(2)
        #expect(record.samples == 1 && record.ewma == 2 && record.p90 == 2)
        // Second sample: weight max(0.2, 1/2) = 0.5; above p90, so p90 × e^(0.9/√2).
        record.observe(4)
        #expect(record.ewma == 3)
        #expect(abs(record.p90 - 2 * exp(0.9 / 2.0.squareRoot())) < 1e-12)
        // Third, below p90: × e^(-0.1/√3).
        let before = record.p90
        record.observe(1)
        #expect(abs(record.p90 - before * exp(-0.1 / 3.0.squareRoot())) < 1e-12)
        #expect(abs(record.ewma - (3 + (1 - 3) / 3.0)) < 1e-12)
    }

    @Test func badDurationsAreIgnored() {
        var record = TimingRecord(test: "a.py::t", arch: .x86_64)
        for bad in [-1, .nan, .infinity] { record.observe(bad) }
        #expect(record.samples == 0)
        record.observe(0)
        #expect(record.samples == 1 && record.ewma == TimingRecord.shortestDuration)
    }

    @Test func p90SettlesNearTheNinetiethPercentile() {
        var record = TimingRecord(test: "a.py::t", arch: .x86_64)
        // Durations 1…10 s in a fixed shuffled cycle: 90 % of samples are ≤ 9 s.
        let cycle: [Double] = [7, 2, 10, 4, 9, 1, 6, 3, 8, 5]
        for _ in 0..<300 { cycle.forEach { record.observe($0) } }
        #expect((8.5...10.5).contains(record.p90), "p90 \(record.p90)")
        #expect((4.5...6.5).contains(record.ewma), "ewma \(record.ewma)")
    }

    private var model: TimingModel {
        TimingModel(records: [
            TimingRecord(test: "a.py::x", arch: .x86_64, ewma: 2, p90: 6, samples: 5),  // estimate 2 + ¼·4 = 3
            TimingRecord(test: "a.py::y", arch: .x86_64, ewma: 5, p90: 5, samples: 5),  // 5
            TimingRecord(test: "b.py::z", arch: .x86_64, ewma: 11, p90: 11, samples: 5),  // 11
            TimingRecord(test: "c.py::w", arch: .aarch64, ewma: 7, p90: 7, samples: 2),  // 7
        ])
    }

    @Test func blendLeansAQuarterTowardP90() {
        #expect(model.prediction(test: "a.py::x", arch: .x86_64) == .init(seconds: 3, source: .history))
        let meanOnly = TimingModel(records: [TimingRecord(test: "a.py::x", arch: .x86_64, ewma: 2, p90: 6, samples: 5)], p90Blend: 0)
        #expect(meanOnly.predict(test: "a.py::x", arch: .x86_64) == 2)
    }

    @Test func unknownTestsWalkTheFallbackLadder() {
        let model = self.model
        // Same test on the other arch.
        #expect(model.prediction(test: "a.py::y", arch: .aarch64) == .init(seconds: 5, source: .otherArch))
        // File median on this arch: a.py has 3 and 5 → 4.
        #expect(model.prediction(test: "a.py::new", arch: .x86_64) == .init(seconds: 4, source: .fileMedian))
        // a.py has no aarch64 history: the all-arch file median, also 4.
        #expect(model.prediction(test: "a.py::new", arch: .aarch64) == .init(seconds: 4, source: .fileMedian))
        // Unknown file: the x86_64 suite median of 3, 5, 11 → 5; on aarch64 only c.py's 7.
        #expect(model.prediction(test: "d.py::q", arch: .x86_64) == .init(seconds: 5, source: .suiteMedian))
        #expect(model.prediction(test: "d.py::q", arch: .aarch64) == .init(seconds: 7, source: .suiteMedian))
        // A name without "::" is its own file.
        #expect(TimingModel.file(of: "plain") == "plain")
        #expect(TimingModel.file(of: "pkg/t.py::C::m") == "pkg/t.py")
    }

    @Test func assignsPredictionsByEachTestsArch() {
        var tests = [
            TestCase(name: "a.py::x", suite: 0),  // any arch: predicted as x86_64 → 3
            TestCase(name: "c.py::w", suite: 0, arch: .aarch64),  // 7
            TestCase(name: "zzz", suite: 0, arch: .x86_64),  // x86_64 suite median → 5
        ]
        model.assignPredictions(to: &tests, anyArchAs: .x86_64)
        #expect(tests.map(\.predicted) == [3, 7, 5])
    }

    @Test func noHistoryGivesTheDeterministicFallback() {
        let empty = TimingModel()
        #expect(empty.prediction(test: "a.py::x", arch: .x86_64) == .init(seconds: TimingModel.fallbackSeconds, source: .fallback))
        #expect(TimingModel.fallbackSeconds == 1)
    }

    @Test func aSuitesOwnFallbackReplacesOnlyTheNoHistoryRung() {
        var model = TimingModel()
        model.observe([DurationSample(test: "a.py::known", arch: .x86_64, seconds: 2)])
        var tests = [TestCase(name: "a.py::known", suite: 0), TestCase(name: "z::new", suite: 1)]
        model.assignPredictions(to: &tests, anyArchAs: .x86_64, fallbackBySuite: [0.05, 0.05])
        // "z::new" still has the suite median (2 s): the suite fallback is for no history at all.
        #expect(tests.map(\.predicted) == [2, 2])
        var fresh = [TestCase(name: "a.py::x", suite: 0), TestCase(name: "b", suite: 1)]
        TimingModel().assignPredictions(to: &fresh, anyArchAs: .x86_64, fallbackBySuite: [0.05])
        #expect(fresh.map(\.predicted) == [0.05, TimingModel.fallbackSeconds])
    }

    @Test func observingABatchAddsRecordsAndRefreshesMedians() {
        var model = TimingModel()
        model.observe([
            DurationSample(test: "a.py::x", arch: .x86_64, seconds: 1),
            DurationSample(test: "a.py::y", arch: .x86_64, seconds: 3),
            DurationSample(test: "a.py::y", arch: .x86_64, seconds: 3),
            DurationSample(test: "a.py::z", arch: .x86_64, seconds: -5),
        ])
        #expect(model.count == 2)
        #expect(model.record(test: "a.py::y", arch: .x86_64)?.samples == 2)
        #expect(model.record(test: "a.py::z", arch: .x86_64) == nil)
        #expect(model.prediction(test: "a.py::new", arch: .x86_64) == .init(seconds: 2, source: .fileMedian))
    }

    @Test func corruptRecordsAreSkipped() {
        let model = TimingModel(records: [
            TimingRecord(test: "a.py::x", arch: .x86_64, ewma: .nan, p90: 1, samples: 3),
            TimingRecord(test: "a.py::y", arch: .x86_64, ewma: 1, p90: 1, samples: 0),
            TimingRecord(test: "a.py::z", arch: .x86_64, ewma: 8, p90: 8, samples: 1),
        ])
        #expect(model.count == 1)
        #expect(model.predict(test: "a.py::x", arch: .x86_64) == 8)
    }

    @Test func aLaterRecordForTheSameTestAndArchWins() {
        let model = TimingModel(records: [
            TimingRecord(test: "a.py::x", arch: .x86_64, ewma: 1, p90: 1, samples: 1),
            TimingRecord(test: "a.py::x", arch: .aarch64, ewma: 5, p90: 5, samples: 1),
            TimingRecord(test: "a.py::x", arch: .x86_64, ewma: 2, p90: 2, samples: 4),
        ])
        #expect(model.count == 2)
        #expect(model.record(test: "a.py::x", arch: .x86_64)?.samples == 4)
        #expect(model.predict(test: "a.py::x", arch: .aarch64) == 5)
        #expect(Set(model.allRecords.map(\.ewma)) == [2, 5])
    }

    @Test func medianHandlesOddEvenAndRepeatedValues() {
        #expect(TimingModel.median([5, 1, 3]) == 3)
        #expect(TimingModel.median([4, 1, 3, 2]) == 2.5)
        #expect(TimingModel.median([2, 2, 2, 2, 9]) == 2)
        let large = (0..<10_001).map { Double(($0 * 7_919) % 10_001) }
        #expect(TimingModel.median(large) == 5_000)
    }
}
