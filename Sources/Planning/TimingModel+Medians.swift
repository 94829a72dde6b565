import Model

extension TimingModel {
    /// One (test, arch) of history, with its name's hashes worked out once.
    struct Entry: Sendable {
        var record: TimingRecord
        let nameHash: UInt64
        let fileHash: UInt64
        let fileLength: Int

        init(_ record: TimingRecord) {
            self.record = record
            (nameHash, fileHash, fileLength) = TestNameHashing.withBytes(record.test) { bytes in
                let length = TestNameHashing.fileLength(bytes)
                return (TestNameHashing.hash(bytes), TestNameHashing.hash(UnsafeRawBufferPointer(rebasing: bytes[..<length])), length)
            }
        }
    }

    /// Recomputes the file and suite medians: one scan to number the files, a counting sort of
    /// the estimates by file, and a linear-time median per file.
    mutating func recomputeMedians() {
        var arches: [Arch] = []
        for entry in entries where !arches.contains(entry.record.arch) { arches.append(entry.record.arch) }
        let estimates = entries.map { estimate($0.record) }
        var table = FileMedians()
        suiteMedians = [:]
        // The all-arch rungs only differ from the per-arch ones when history spans several arches.
        for scope in arches.map(Optional.some) + (arches.count > 1 ? [nil] : []) {
            var members: [Int] = []
            var groupOf: [Int] = []
            var groups = HashSlots()
            var representatives: [Int] = []
            for (position, entry) in entries.enumerated() where scope == nil || entry.record.arch == scope {
                let key = TestNameHashing.salted(entry.fileHash, scope)
                let known = groups.findOrInsert(key, value: representatives.count) { candidate in
                    let other = entries[representatives[candidate]]
                    return other.fileLength == entry.fileLength
                        && TestNameHashing.prefixesEqual(other.record.test, entry.record.test, count: entry.fileLength)
                }
                let group: Int
                if let known {
                    group = known
                } else {
                    group = representatives.count
                    representatives.append(position)
                }
                members.append(position)
                groupOf.append(group)
            }
            // Counting sort of the members' estimates by file.
            var start = Array(repeating: 0, count: representatives.count + 1)
            for group in groupOf { start[group + 1] += 1 }
            for group in representatives.indices { start[group + 1] += start[group] }
            var next = start
            var byFile = Array(repeating: 0.0, count: members.count)
            for (member, group) in zip(members, groupOf) {
                byFile[next[group]] = estimates[member]
                next[group] += 1
            }
            for (group, representative) in representatives.enumerated() {
                let entry = entries[representative]
                table.add(test: entry.record.test, fileLength: entry.fileLength, fileHash: entry.fileHash, scope: scope,
                          median: Self.median(Array(byFile[start[group]..<start[group + 1]])))
            }
            if !byFile.isEmpty { suiteMedians[scope] = Self.median(byFile) }
        }
        fileMedians = table
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

/// Median estimates per (file, scope), where the scope is an arch or nil for all arches. A file
/// is named by one of its tests and the byte length of its file part, so no substring is made.
struct FileMedians: Sendable {
    private var slots = HashSlots()
    private var files: [(test: String, length: Int, scope: Arch?)] = []
    private var medians: [Double] = []

    mutating func add(test: String, fileLength: Int, fileHash: UInt64, scope: Arch?, median: Double) {
        slots.insert(TestNameHashing.salted(fileHash, scope), value: medians.count)
        files.append((test, fileLength, scope))
        medians.append(median)
    }

    /// The median of the file `test` belongs to, within `scope`.
    func median(ofFileOf test: String, arch scope: Arch?) -> Double? {
        TestNameHashing.withBytes(test) { bytes -> Double? in
            let length = TestNameHashing.fileLength(bytes)
            let hash = TestNameHashing.hash(UnsafeRawBufferPointer(rebasing: bytes[..<length]))
            return slots.find(TestNameHashing.salted(hash, scope)) { candidate in
                files[candidate].scope == scope && files[candidate].length == length
                    && TestNameHashing.prefixesEqual(files[candidate].test, test, count: length)
            }.map { medians[$0] }
        }
    }
}
