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
    /// The history as given (shared with the caller's array, not copied), plus records added by
    /// `observe`. Only `live` ones count: a record replaced by a later one for the same (test,
    /// arch), or one that can't be right, stays in the array but is ignored.
    var records: [TimingRecord]
    var live: [Bool]
    /// Per record, its file part's hash and byte length (for the median pass).
    var fileHashes: [UInt64]
    var fileLengths: [Int32]
    /// Where each live (test, arch) is in `records`, by its arch-salted name hash.
    var index: HashSlots
    /// Median estimates per (file, arch) and per (file, all arches).
    var fileMedians = FileMedians()
    /// Median estimates per arch; the nil key means all arches.
    var suiteMedians: [Arch?: Double] = [:]
    private var liveCount = 0

    /// A model over `records`; a later record for the same (test, arch) replaces an earlier one.
    /// Records that can't be right (no samples, a negative or non-finite estimate) are skipped, so
    /// one corrupt row can't poison the medians.
    public init(records: [TimingRecord] = [], p90Blend: Double = 0.25) {
        self.p90Blend = p90Blend
        self.records = records
        live = Array(repeating: false, count: records.count)
        fileHashes = Array(repeating: 0, count: records.count)
        fileLengths = Array(repeating: 0, count: records.count)
        index = HashSlots(capacity: records.count)
        // Hash every name first, then insert in order of home slot: a million inserts in name
        // order would each miss the cache on a random slot; sorted, they sweep the table once.
        var salted = Array(repeating: UInt64(0), count: records.count)
        var homes = Array(repeating: UInt64.max, count: records.count)
        records.withUnsafeBufferPointer { given in
            for position in given.indices where Self.isUsable(given[position]) {
                let hashes = Self.hashes(of: given[position].test)
                fileHashes[position] = hashes.file
                fileLengths[position] = Int32(hashes.fileLength)
                salted[position] = TestNameHashing.salted(hashes.name, given[position].arch)
                homes[position] = UInt64(index.home(of: salted[position]))
            }
        }
        var order = Array(0..<UInt32(records.count))
        RadixSort.sort(&homes, carrying: &order)
        var duplicates: [(earlier: Int, later: Int)] = []
        records.withUnsafeBufferPointer { given in
            for (home, position) in zip(homes, order.lazy.map(Int.init)) where home != .max {
                let earlier = index.findOrInsert(salted[position], value: position) {
                    given[$0].arch == given[position].arch && given[$0].test == given[position].test
                }
                if let earlier {
                    duplicates.append((earlier, position))
                } else {
                    live[position] = true
                    liveCount += 1
                }
            }
        }
        // A duplicate: the later record (the sort is stable) wins, in the earlier one's place.
        for (earlier, later) in duplicates { self.records[earlier] = self.records[later] }
        recomputeMedians()
    }

    /// How many (test, arch) pairs have history.
    public var count: Int { liveCount }

    /// Every record, for the store to persist.
    public var allRecords: [TimingRecord] {
        liveCount == records.count ? records : records.indices.filter { live[$0] }.map { records[$0] }
    }

    /// The record of `test` on `arch`, if it has history.
    public func record(test: String, arch: Arch) -> TimingRecord? {
        find(test, hash: TestNameHashing.withBytes(test, TestNameHashing.hash), arch: arch).map { records[$0] }
    }

    /// The seconds the scheduler should plan for a record (see the type's documentation).
    public func estimate(_ record: TimingRecord) -> Double {
        record.ewma + p90Blend * max(0, record.p90 - record.ewma)
    }

    /// Predicted seconds for `test` on `arch`.
    public func predict(test: String, arch: Arch) -> Double { prediction(test: test, arch: arch).seconds }

    /// Predicted seconds for `test` on `arch`, and which rung of the fallback ladder gave it.
    public func prediction(test: String, arch: Arch) -> Prediction {
        let hash = TestNameHashing.withBytes(test, TestNameHashing.hash)
        if let found = find(test, hash: hash, arch: arch) {
            return Prediction(seconds: estimate(records[found]), source: .history)
        }
        for other in Arch.allCases where other != arch {
            if let found = find(test, hash: hash, arch: other) {
                return Prediction(seconds: estimate(records[found]), source: .otherArch)
            }
        }
        if let median = fileMedians.median(ofFileOf: test, arch: arch) ?? fileMedians.median(ofFileOf: test, arch: nil) {
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
            let hash = TestNameHashing.withBytes(sample.test, TestNameHashing.hash)
            if let found = find(sample.test, hash: hash, arch: sample.arch) {
                records[found].observe(sample.seconds)
                continue
            }
            var record = TimingRecord(test: sample.test, arch: sample.arch)
            record.observe(sample.seconds)
            guard record.samples > 0 else { continue }
            let hashes = Self.hashes(of: record.test)
            index.insert(TestNameHashing.salted(hash, sample.arch), value: records.count)
            records.append(record)
            live.append(true)
            fileHashes.append(hashes.file)
            fileLengths.append(Int32(hashes.fileLength))
            liveCount += 1
        }
        recomputeMedians()
    }

    /// The live record of (`test`, `arch`), given the test name's hash.
    private func find(_ test: String, hash: UInt64, arch: Arch) -> Int? {
        // Through the buffer: comparing in place, without copying each candidate record out.
        records.withUnsafeBufferPointer { records in
            index.find(TestNameHashing.salted(hash, arch)) { records[$0].arch == arch && records[$0].test == test }
        }
    }

    /// A name's hash, and its file part's hash and byte length, from one look at its bytes.
    private static func hashes(of test: String) -> (name: UInt64, file: UInt64, fileLength: Int) {
        TestNameHashing.withBytes(test) { bytes in
            let length = TestNameHashing.fileLength(bytes)
            let file = TestNameHashing.hash(UnsafeRawBufferPointer(rebasing: bytes[..<length]))
            return (length == bytes.count ? file : TestNameHashing.hash(bytes), file, length)
        }
    }

    private static func isUsable(_ record: TimingRecord) -> Bool {
        record.samples > 0 && record.ewma.isFinite && record.p90.isFinite && record.ewma >= 0 && record.p90 >= 0
    }

    /// The file part of a test name: everything before the first `::` (the whole name if none).
    public static func file(of test: String) -> Substring {
        test.firstRange(of: "::").map { test[..<$0.lowerBound] } ?? test[...]
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
