public import Model

/// Predicts how many seconds a test takes on an arch, from timing history. Pure: no I/O; the
/// store loads and saves its `TimingRecord`s.
///
/// Which number the scheduler gets: `ewma + p90Blend × max(0, p90 − ewma)`, by default a quarter
/// of the way from the mean toward the p90. Why not the plain mean: the scheduler sizes chunks
/// by summed predictions, where the mean is the right estimator, but it also orders tests
/// longest first, and there the errors are lopsided — a long test predicted short starts late
/// and stretches the makespan by its whole length, while one predicted long merely starts early.
/// Leaning a quarter toward p90 moves erratic tests forward without inflating steady ones (their
/// p90 is close to their mean). Why not the p90 itself: it would overstate every test's work by
/// its spread, and the chunk budgets, which are ratios of summed work, would be off for tests
/// that vary a lot relative to those that don't.
///
/// Tests without history of their own get, in order: the same test's estimate on another arch;
/// the median estimate of their file (the name before the first `::`) on this arch, then on
/// all arches; the median of the whole history on this arch, then on all arches; and with no
/// history at all, `fallbackSeconds` (1 s), so a first run still has a deterministic plan.
public struct TimingModel: Sendable {
    /// The prediction when there is no history at all.
    public static let fallbackSeconds = 1.0

    /// Where a prediction came from (for `--explain`-style output and tests).
    public enum Source: String, Sendable, Hashable {
        case history, otherArch, fileMedian, suiteMedian, fallback
    }

    /// A predicted duration and where it came from.
    public struct Prediction: Sendable, Hashable {
        public var seconds: Double
        public var source: Source
    }

    /// How far from the EWMA toward the p90 a prediction leans (0: the mean, 1: the p90).
    public let p90Blend: Double
    private var records: [RecordKey: TimingRecord] = [:]
    /// Median estimates per (file, arch); arch nil means all arches.
    private var fileMedians: [FileKey: Double] = [:]
    /// Median estimates per arch; the nil key means all arches.
    private var suiteMedians: [Arch?: Double] = [:]

    /// A model over `records`; a later record for the same (test, arch) replaces an earlier one.
    /// Records that can't be right (no samples, a negative or non-finite estimate) are skipped, so
    /// one corrupt row can't poison the medians.
    public init(records: [TimingRecord] = [], p90Blend: Double = 0.25) {
        self.p90Blend = p90Blend
        self.records.reserveCapacity(records.count)
        for record in records where Self.isUsable(record) {
            self.records[RecordKey(test: record.test, arch: record.arch)] = record
        }
        recomputeMedians()
    }

    /// How many (test, arch) pairs have history.
    public var count: Int { records.count }

    /// Every record, for the store to persist (in no particular order).
    public var allRecords: [TimingRecord] { Array(records.values) }

    /// The record of `test` on `arch`, if it has history.
    public func record(test: String, arch: Arch) -> TimingRecord? { records[RecordKey(test: test, arch: arch)] }

    /// The seconds the scheduler should plan for a record (see the type's documentation).
    public func estimate(_ record: TimingRecord) -> Double {
        record.ewma + p90Blend * max(0, record.p90 - record.ewma)
    }

    /// Predicted seconds for `test` on `arch`.
    public func predict(test: String, arch: Arch) -> Double { prediction(test: test, arch: arch).seconds }

    /// Predicted seconds for `test` on `arch`, and which rung of the fallback ladder gave it.
    public func prediction(test: String, arch: Arch) -> Prediction {
        if let record = records[RecordKey(test: test, arch: arch)] {
            return Prediction(seconds: estimate(record), source: .history)
        }
        for other in Arch.allCases where other != arch {
            if let record = records[RecordKey(test: test, arch: other)] {
                return Prediction(seconds: estimate(record), source: .otherArch)
            }
        }
        let file = Self.file(of: test)
        if let median = fileMedians[FileKey(file: file, arch: arch)] ?? fileMedians[FileKey(file: file, arch: nil)] {
            return Prediction(seconds: median, source: .fileMedian)
        }
        if let median = suiteMedians[arch] ?? suiteMedians[nil] {
            return Prediction(seconds: median, source: .suiteMedian)
        }
        return Prediction(seconds: Self.fallbackSeconds, source: .fallback)
    }

    /// Folds new durations into the history (a build's results are one batch), then refreshes the
    /// medians once: O(records) per call, so pass a build's samples together, not one by one.
    public mutating func observe(_ samples: [DurationSample]) {
        for sample in samples {
            let key = RecordKey(test: sample.test, arch: sample.arch)
            records[key, default: TimingRecord(test: sample.test, arch: sample.arch)].observe(sample.seconds)
            if records[key]?.samples == 0 { records[key] = nil }
        }
        recomputeMedians()
    }

    private static func isUsable(_ record: TimingRecord) -> Bool {
        record.samples > 0 && record.ewma.isFinite && record.p90.isFinite && record.ewma >= 0 && record.p90 >= 0
    }

    /// The file part of a test name: everything before the first `::` (the whole name if none).
    public static func file(of test: String) -> Substring {
        test.firstRange(of: "::").map { test[..<$0.lowerBound] } ?? test[...]
    }

    private mutating func recomputeMedians() {
        var byFile: [FileKey: [Double]] = [:]
        var byArch: [Arch: [Double]] = [:]
        for (key, record) in records {
            let value = estimate(record)
            byFile[FileKey(file: Self.file(of: key.test), arch: key.arch), default: []].append(value)
            byArch[key.arch, default: []].append(value)
        }
        // The all-arch rungs only differ from the per-arch ones when history spans several arches.
        if byArch.count > 1 {
            var allArches: [FileKey: [Double]] = [:]
            for (key, values) in byFile { allArches[FileKey(file: key.file, arch: nil), default: []].append(contentsOf: values) }
            byFile.merge(allArches) { $1 }
            suiteMedians[nil] = Self.median(byArch.values.flatMap { $0 })
        } else {
            suiteMedians[nil] = nil
        }
        fileMedians = byFile.mapValues { Self.median($0) }
        suiteMedians = suiteMedians.filter { $0.key == nil }
        for (arch, values) in byArch { suiteMedians[arch] = Self.median(values) }
    }

    /// The median (mean of the two middle values for an even count); linear-time selection.
    static func median(_ values: [Double]) -> Double {
        precondition(!values.isEmpty, "median of no values")
        var values = values
        let middle = values.count / 2
        select(middle, in: &values)
        let upper = values[middle]
        guard values.count % 2 == 0 else { return upper }
        let lower = values[..<middle].max()!
        return (lower + upper) / 2
    }

    /// Quickselect: puts the `k`-th smallest value at index `k`, smaller ones before it.
    private static func select(_ k: Int, in values: inout [Double]) {
        var low = 0, high = values.count - 1
        while low < high {
            // Median of three as the pivot keeps sorted input linear.
            let mid = low + (high - low) / 2
            let pivot = Swift.max(Swift.min(values[low], values[mid]), Swift.min(Swift.max(values[low], values[mid]), values[high]))
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j { high = j } else if k >= i { low = i } else { return }
        }
    }
}

/// One measured duration of a test on an arch.
public struct DurationSample: Sendable, Hashable {
    public var test: String
    public var arch: Arch
    public var seconds: Double

    public init(test: String, arch: Arch, seconds: Double) {
        self.test = test
        self.arch = arch
        self.seconds = seconds
    }
}

private struct RecordKey: Hashable, Sendable {
    var test: String
    var arch: Arch
}

private struct FileKey: Hashable, Sendable {
    var file: Substring
    var arch: Arch?
}
