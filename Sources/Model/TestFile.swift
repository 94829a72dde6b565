/// The file a test belongs to, for frameworks whose test names start with their file's path
/// (pytest's node ids: `tests/test_x.py::TestA::test[a::b]`).
public enum TestFile {
    /// `name` up to its first `::`, or the whole name (a module listed as one test).
    public static func of(_ name: String) -> Substring {
        guard let separator = name.range(of: "::") else { return name[...] }
        return name[..<separator.lowerBound]
    }
}
