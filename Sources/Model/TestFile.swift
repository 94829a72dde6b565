/// The file a test belongs to, for frameworks whose test names start with their file's path
/// (pytest's node ids: `tests/test_x.py::TestA::test[a::b]`).
public enum TestFile {
    /// `name` up to its first `::`, or the whole name (a module listed as one test).
    public static func of(_ name: String) -> Substring {
        guard let separator = name.range(of: "::") else { return name[...] }
        return name[..<separator.lowerBound]
    }

    /// The file of a test of a build, whose name may be a per-arch copy (`name@arch`,
    /// `PerArchName`): a module listed as one test keeps its path without the suffix.
    public static func of(test name: String) -> Substring {
        of(PerArchName.original(of: name))
    }

    /// What a warm pytest session collects for `name` on its own: the file and its first name
    /// below it without parameters (a top-level class or function: `f.py::TestX` for
    /// `f.py::TestX::test_y[1]`), or the file for a name that is no more than that. The warm
    /// session's plugin cuts ids the same way (`_unit_of` in `PytestWarmPlugin+Collecting`):
    /// homes in runs are cut where its units end.
    public static func unit(of name: String) -> Substring {
        guard let separator = name.range(of: "::") else { return name[...] }
        let rest = name[separator.upperBound...]
        var end = rest.range(of: "::")?.lowerBound ?? rest.endIndex
        if let bracket = rest[..<end].firstIndex(of: "[") { end = bracket }
        return name[..<end]
    }
}
