import Foundation

extension PytestNodeIDs {
    /// The id of the `ordinal`-th report (2, 3, …) that collecting one file gives under one node
    /// id: `tests/test_x.py::<collector 2>`.
    ///
    /// pytest can collect a file with more than one collector. Under `--doctest-modules` (often in
    /// a project's `addopts`) each test module is a `Module` and a `DoctestModule`, both named by
    /// the file's path. Each imports the module, so one that skips itself at import
    /// (`pytest.importorskip("numpy")`) or fails to import gives two reports, and a plain run
    /// counts them as two skipped tests or two errors (`SKIPPED [2] tests/numpy_test.py:11: …`,
    /// `ERROR tests/x.py` twice): jsonpickle 4.0.0's three optional-dependency test files are six
    /// skips. testfleet lists one id per result, so the file's path is the first report's id and
    /// the others are these. No collector of pytest's is named like this (`<` cannot start a
    /// Python name), so such an id never shadows a test.
    static func collectorTwin(of path: String, ordinal: Int) -> String {
        path + "::<collector \(ordinal)>"
    }

    /// The file a collector twin stands for (`tests/test_x.py::<collector 2>` → `tests/test_x.py`),
    /// or nil for any other id. A twin runs as its file does: pytest collects the file once with
    /// every collector, and the file's result is each report's (they import the same module).
    static func twinBase(of id: String) -> String? {
        // No path below the file.
        guard let (path, _) = numbered(id, marker: "collector"), !path.contains("::") else { return nil }
        return path
    }

    /// (`base`, n) for an id `base::<marker n>` as `collectorTwin` and `duplicate` write them
    /// (n ≥ 2, no sign, no leading zero), or nil.
    static func numbered(_ id: String, marker: String) -> (base: String, ordinal: Int)? {
        guard id.hasSuffix(">"), let start = id.range(of: "::<\(marker) ", options: .backwards) else { return nil }
        let ordinal = id[start.upperBound..<id.index(before: id.endIndex)]
        guard let number = Int(ordinal), number >= 2, String(number) == ordinal else { return nil }
        return (String(id[..<start.lowerBound]), number)
    }

    /// `ids` with each repeat of one renamed by `naming` (the id and its ordinal, 2, 3, …), in
    /// their order: a file's collector twins, a node id's duplicates.
    static func numberingRepeats(_ ids: [String], _ naming: (String, Int) -> String) -> [String] {
        var seen: [String: Int] = [:]
        return ids.map { id in
            seen[id, default: 0] += 1
            let count = seen[id]!
            return count == 1 ? id : naming(id, count)
        }
    }

    /// `path` followed by its twins, `count` ids in all.
    static func reports(of path: String, count: Int) -> [String] {
        [path] + (count < 2 ? [] : (2...count).map { collectorTwin(of: path, ordinal: $0) })
    }
}
