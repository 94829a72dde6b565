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
        numbered(id, marker: "duplicate").map { ($0.base, $0.ordinal) }
    }
}
