import Model

extension TimingModel {
    /// Recomputes the file and suite medians: one scan to number the files, a counting sort of
    /// the estimates by file, and a linear-time median per file.
    mutating func recomputeMedians() {
        var arches: [Arch] = []
        for position in records.indices where live[position] && !arches.contains(records[position].arch) {
            arches.append(records[position].arch)
        }
        var table = FileMedians()
        suiteMedians = [:]
        // The all-arch rungs only differ from the per-arch ones when history spans several arches.
        for scope in arches.map(Optional.some) + (arches.count > 1 ? [nil] : []) {
            var estimates: [Double] = []
            var groupOf: [Int32] = []
            var groups = HashSlots()
            var representatives: [Int] = []
            records.withUnsafeBufferPointer { records in
                for position in records.indices where live[position] && (scope == nil || records[position].arch == scope) {
                    let length = Int(fileLengths[position])
                    let known = groups.findOrInsert(TestNameHashing.salted(fileHashes[position], scope), value: representatives.count) {
                        let other = representatives[$0]
                        return Int(fileLengths[other]) == length
                            && TestNameHashing.prefixesEqual(records[other].test, records[position].test, count: length)
                    }
                    if let known {
                        groupOf.append(Int32(known))
                    } else {
                        groupOf.append(Int32(representatives.count))
                        representatives.append(position)
                    }
                    estimates.append(estimate(records[position]))
                }
            }
            // Counting sort of the estimates by file.
            var start = Array(repeating: 0, count: representatives.count + 1)
            for group in groupOf { start[Int(group) + 1] += 1 }
            for group in representatives.indices { start[group + 1] += start[group] }
            var next = start
            var byFile = Array(repeating: 0.0, count: estimates.count)
            for (value, group) in zip(estimates, groupOf) {
                byFile[next[Int(group)]] = value
                next[Int(group)] += 1
            }
            for (group, representative) in representatives.enumerated() {
                table.add(test: records[representative].test, fileLength: Int(fileLengths[representative]),
                          fileHash: fileHashes[representative], scope: scope,
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
