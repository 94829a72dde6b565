import Testing
import Model
@testable import Planning

@Suite struct HashingAndSortingTests {
    @Test func radixPathSortsLongestFirstAndKeepsTiesInGivenOrder() {
        // 3000 tests (the radix path starts at 512) with many ties, zeros and a negative value.
        let values: [Double] = [0, 0.5, 2, 1e-9, 300, -1, 2]
        let tests = (0..<3_000).map { TestCase(name: "t\($0)", suite: 0, predicted: values[($0 * 5) % values.count]) }
        var queue = PendingQueue()
        queue.add(tests)
        let popped = queue.pop(for: .x86_64, maxCount: .max, workBudget: .infinity)
        let expected = tests.enumerated().sorted { l, r in
            l.element.predicted != r.element.predicted ? l.element.predicted > r.element.predicted : l.offset < r.offset
        }.map(\.element.name)
        #expect(popped.map(\.name) == expected)
    }

    @Test func radixSortCarriesPayloadStably() {
        var keys: [UInt64] = [5, 1 << 40, 5, 0, UInt64.max, 1 << 40, 7]
        var payload: [UInt32] = [0, 1, 2, 3, 4, 5, 6]
        RadixSort.sort(&keys, carrying: &payload)
        #expect(keys == [0, 5, 5, 7, 1 << 40, 1 << 40, UInt64.max])
        #expect(payload == [3, 0, 2, 6, 1, 5, 4])
    }

    @Test func hashSlotsSurviveCollisionsAndGrowth() {
        var slots = HashSlots()
        let names = (0..<5_000).map { "n\($0)" }
        // Every value under one of only 8 hashes: lookups must fall back to `matches`.
        for (value, name) in names.enumerated() {
            #expect(slots.findOrInsert(UInt64(value % 8), value: value) { names[$0] == name } == nil)
        }
        #expect(slots.count == 5_000)
        for (value, name) in names.enumerated() {
            #expect(slots.find(UInt64(value % 8)) { names[$0] == name } == value)
        }
        #expect(slots.find(3) { names[$0] == "absent" } == nil)
        #expect(slots.findOrInsert(UInt64(42 % 8), value: 9_999) { names[$0] == "n42" } == 42)
    }

    @Test func fileLengthStopsAtTheFirstDoubleColon() {
        for (name, length) in [("a.py::t", 4), ("pkg/x.py::C::m", 8), ("plain", 5), ("a:b::c", 3), ("", 0), ("::x", 0)] {
            let found = TestNameHashing.withBytes(name, TestNameHashing.fileLength)
            #expect(found == length, "\(name)")
        }
        #expect(TestNameHashing.prefixesEqual("a.py::x", "a.py::y", count: 4))
        #expect(!TestNameHashing.prefixesEqual("a.py::x", "b.py::x", count: 4))
    }

    @Test func timingModelFindsEveryRecordAmongManyInOneFile() {
        let records = (0..<20_000).map { TimingRecord(test: "big_file.py::test_\($0)", arch: .x86_64, ewma: Double($0), p90: Double($0), samples: 1) }
        let model = TimingModel(records: records, p90Blend: 0)
        #expect(model.count == 20_000)
        #expect((0..<20_000).allSatisfy { model.predict(test: "big_file.py::test_\($0)", arch: .x86_64) == Double($0) })
        #expect(model.prediction(test: "big_file.py::new", arch: .x86_64) == .init(seconds: 9_999.5, source: .fileMedian))
    }
}
