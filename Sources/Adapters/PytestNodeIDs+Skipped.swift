extension PytestNodeIDs {
    /// Test modules skipped as a whole while collecting (`pytest.importorskip("numpy")` at module
    /// level, `pytest.skip(allow_module_level=True)`), from the short summary of `pytest
    /// --collect-only -rfEs` (pytest's default `fE` plus `s` for skips):
    /// `SKIPPED [1] pkg/tests/test_x.py:8: could not import 'numpy'`.
    ///
    /// A plain `pytest` run counts each such module as one skipped test, so the inventory lists
    /// the module path as a test id to report the same counts; run as a node id, pytest reports
    /// it as `<testcase classname="" name="pkg.tests.test_x"><skipped/>`, which `junitKey` maps
    /// back. Only paths that look like test modules (`test_*.py`, `*_test.py`, pytest's default
    /// `python_files`) count: a skip raised from a helper module names the helper, which is not
    /// a node id.
    static func skippedModules(in output: String, excluding known: [String]) -> [String] {
        var modules: [String] = []
        var seen = Set(known.map(module(of:)))
        for line in output.split(separator: "\n") where line.hasPrefix("SKIPPED [") {
            guard let close = line.firstIndex(of: "]") else { continue }
            let location = line[line.index(after: close)...].drop { $0 == " " }
            guard let colon = location.firstIndex(of: ":") else { continue }
            let path = String(location[..<colon])
            let file = path.split(separator: "/").last ?? ""
            guard path.hasSuffix(".py"), file.hasPrefix("test_") || file.hasSuffix("_test.py") else { continue }
            if seen.insert(path).inserted { modules.append(path) }
        }
        return modules
    }
}
