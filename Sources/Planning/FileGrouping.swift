import Foundation
public import Model

/// Groups the tests of some suites by the file part of their names (up to the first `::`, as in
/// pytest node ids): each test gets its file's total predicted work as `groupWork`, and the tests
/// of one file become contiguous (files in order of first appearance, tests in their given
/// order). The pending queue then hands out whole files, largest first, so a pytest process
/// collects a module once instead of every grant importing a slice of many modules.
///
/// `fileOverhead` is the work of loading a file that no test's own duration shows (pytest
/// importing and collecting a module): it is added to the first test of each file, so grant
/// budgets count it. Without it a tail of 200 small modules looked like 2 s of work and went
/// out as one 10 s grant while the other worker sat idle.
///
/// A test predicted at least `soloSeconds` is a unit of its own (with its file's loading cost),
/// not part of its file's group: longest-first must be able to start it first. Kept inside its
/// file, more-itertools' 12.5 s `test_primes` ran wherever its module's slice of tests happened
/// to reach it, and one worker finished 13 s after the other.
public enum FileGrouping {
    /// A test this many times its file's loading cost is worth loading the file once more for
    /// (on another worker): the extra load is at most 1/20 of the test.
    public static let soloFactor = 20.0

    private struct Key: Hashable {
        var suite: Int
        var arch: Arch?
        var file: Substring
    }

    /// `tests` regrouped; tests of suites not in `suites` keep their order and get no group.
    public static func group(_ tests: [TestCase], suites: Set<Int>, fileOverhead: Double = 0,
                             soloSeconds: Double = .infinity) -> [TestCase] {
        guard !suites.isEmpty, !tests.isEmpty else { return tests }
        var groupOf = [Int](repeating: 0, count: tests.count)
        var groupIDs: [Key: Int] = [:]
        var totals: [Double] = []
        var sizes: [Int] = []
        for (position, test) in tests.enumerated() {
            guard suites.contains(test.suite) else {
                groupOf[position] = totals.count  // a group of its own
                totals.append(0)
                sizes.append(1)
                continue
            }
            if test.predicted >= soloSeconds {  // a group of its own that loads its file
                groupOf[position] = totals.count
                totals.append(fileOverhead + test.predicted)
                sizes.append(1)
                continue
            }
            let key = Key(suite: test.suite, arch: test.arch, file: filePart(of: test.name))
            let id: Int
            if let known = groupIDs[key] {
                id = known
            } else {
                id = totals.count
                groupIDs[key] = id
                totals.append(fileOverhead)
                sizes.append(0)
            }
            groupOf[position] = id
            totals[id] += test.predicted
            sizes[id] += 1
        }
        // A counting sort by group id: stable, so each file keeps its tests' order.
        var start = [Int](repeating: 0, count: sizes.count)
        for id in sizes.indices.dropFirst() { start[id] = start[id - 1] + sizes[id - 1] }
        var grouped = tests
        let firstOfGroup = start
        for (position, test) in tests.enumerated() {
            let id = groupOf[position]
            var placed = test
            if suites.contains(test.suite) {
                placed.groupWork = totals[id]
                if start[id] == firstOfGroup[id] { placed.predicted += fileOverhead }
            }
            grouped[start[id]] = placed
            start[id] += 1
        }
        return grouped
    }

    /// A name's file part: up to the first `::`, or the whole name.
    static func filePart(of name: String) -> Substring {
        guard let separator = name.range(of: "::") else { return name[...] }
        return name[..<separator.lowerBound]
    }
}
