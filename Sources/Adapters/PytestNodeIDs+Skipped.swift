import Foundation

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
    ///
    /// A package whose `__init__.py` skips skips every test module below it, and pytest's summary
    /// names only the `__init__.py`, with their count: `SKIPPED [13] pkg/tests/__init__.py:7`.
    /// Those modules come from `testModules(under:)` (the package's directory relative to the
    /// suite's), and count only when there are exactly as many as the line says; otherwise the
    /// line is passed over, as a helper's skip is.
    ///
    /// Under `--doctest-modules` a test module is collected twice, as a `Module` and as a
    /// `DoctestModule`, and a module that skips at import is two skips under one location
    /// (`SKIPPED [2] tests/numpy_test.py:11: numpy is not available`): the file's path and its
    /// collector twin (`collectorTwin(of:ordinal:)`), so the counts are a plain run's.
    ///
    /// A directory whose `conftest.py` skips at import (`pytest.skip(allow_module_level=True)`:
    /// babel's `tests/benchmarks` without pytest-benchmark) is one skipped test in a plain run
    /// (pytest 8+ loads a directory's conftest while collecting the directory, so the skip is
    /// the directory collector's report), named by the conftest's line with a count of one. The
    /// directory's path is its id; pytest runs it as a node id (given after its start-up, as
    /// the narrowing plugin gives ids) and reports `<testcase classname="" name="tests.benchmarks">`.
    static func skippedModules(in output: String, excluding known: [String],
                               testModules: (_ under: String) -> [String] = { _ in [] }) -> [String] {
        var modules: [String] = []
        var seen = Set(known.map(module(of:)))
        let prefix = "SKIPPED ["
        for line in output.split(separator: "\n") where line.hasPrefix(prefix) {
            guard let close = line.firstIndex(of: "]") else { continue }
            let count = Int(line.dropFirst(prefix.count)[..<close]) ?? 0
            let location = line[line.index(after: close)...].drop { $0 == " " }
            guard let colon = location.firstIndex(of: ":") else { continue }
            let path = String(location[..<colon])
            let file = path.split(separator: "/").last ?? ""
            let directory = String(path.dropLast(file.count + 1))  // "" for a file at the top
            if file == "conftest.py" {
                guard count == 1, !directory.isEmpty, !directory.hasPrefix("/"), !directory.hasPrefix(".."),
                      !known.contains(where: { $0.hasPrefix(directory + "/") })
                else { continue }
                if seen.insert(directory).inserted { modules.append(directory) }
                continue
            }
            if file == "__init__.py" {
                let below = testModules(directory)
                guard below.count == count else { continue }
                for module in below where seen.insert(module).inserted { modules.append(module) }
                continue
            }
            guard path.hasSuffix(".py"), isTestModule(file) else { continue }
            if seen.insert(path).inserted { modules += reports(of: path, count: count) }
        }
        return modules
    }

    /// pytest's default `python_files`: `test_*.py` and `*_test.py`.
    static func isTestModule<S: StringProtocol>(_ file: S) -> Bool {
        file.hasSuffix(".py") && (file.hasPrefix("test_") || file.hasSuffix("_test.py"))
    }

    /// The test modules below `package` (relative to `directory`), sorted, as relative paths.
    static func testModules(under package: String, in directory: String) -> [String] {
        let root = (directory as NSString).appendingPathComponent(package)
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            if isTestModule((relative as NSString).lastPathComponent) { found.append(package + "/" + relative) }
        }
        return found.sorted()
    }
}
