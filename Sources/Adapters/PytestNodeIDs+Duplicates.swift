import Foundation

extension PytestNodeIDs {
    /// The id of the `ordinal`-th item (2, 3, …) that one collection yields under one node id:
    /// `tests/test_x.py::test_x.py::<duplicate 2>`.
    ///
    /// pytest does not make node ids unique: a conftest's own `Item` can name several items
    /// alike (PyYAML 6.0.2 names each of its three file-less legacy tests after their module).
    /// A plain run runs and counts each, and its JUnit XML lists each in collection order;
    /// testfleet keys results by id, so the first keeps the node id and the others get these.
    /// The warm plugin names them the same way (`_name_duplicates`). No collector of pytest's is
    /// named like this (`<` cannot start a Python name), so such an id never shadows a test,
    /// and its unit (`TestFile.unit`) is its original's.
    static func duplicate(of nodeID: String, ordinal: Int) -> String {
        nodeID + "::<duplicate \(ordinal)>"
    }

    /// The node id and ordinal a duplicate's id stands for
    /// (`a.py::t::<duplicate 2>` → (`a.py::t`, 2)), or nil for any other id.
    static func duplicateBase(of id: String) -> (nodeID: String, ordinal: Int)? {
        guard id.hasSuffix(">"), let marker = id.range(of: "::<duplicate ", options: .backwards) else { return nil }
        let ordinal = id[marker.upperBound..<id.index(before: id.endIndex)]
        // Only what `duplicate` writes: no sign, no leading zero.
        guard let number = Int(ordinal), number >= 2, String(number) == ordinal else { return nil }
        return (String(id[..<marker.lowerBound]), number)
    }

    /// `nodeIDs` with each repeat of an id renamed as its duplicate (`duplicate(of:ordinal:)`),
    /// in their order.
    static func namingDuplicates(_ nodeIDs: [String]) -> [String] {
        var seen: [String: Int] = [:]
        return nodeIDs.map { id in
            seen[id, default: 0] += 1
            let count = seen[id]!
            return count == 1 ? id : duplicate(of: id, ordinal: count)
        }
    }
}
