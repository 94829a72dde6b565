import Foundation

/// Where pytest's rewritten modules are kept when bytecode may not be written beside sources.
///
/// pytest rewrites the asserts of every conftest, plugin and test module it imports and caches
/// the result as bytecode beside the source. Many CI images set `PYTHONDONTWRITEBYTECODE=1` to
/// keep `__pycache__` out of the tree, and then every pytest process rewrites all of them again:
/// on attrs' suite that is 0.7 s of the 1.0 s a process spends before its first test, and a
/// worker starts such processes for every build (warm sessions, fork servers).
///
/// testfleet's warm sessions and fork servers keep those rewritten modules under the worker's
/// cache directory instead (its plugin points pytest's rewrite cache there), so a process
/// reuses what an earlier one rewrote and the source tree stays as clean as the variable asked.
/// Nothing else changes: other modules load and compile as the environment says (a process
/// that looked for all bytecode elsewhere would ignore the bytecode installed packages ship
/// with, and compile those again on a first build).
public enum PythonBytecode {
    /// The directory under a cache root that holds the rewritten modules.
    public static func directory(under cacheRoot: String) -> String {
        (cacheRoot as NSString).appendingPathComponent("python-bytecode")
    }

    /// Where the modules under `sourceDirectory` are kept (the absolute path mirrored below
    /// `directory(under:)`): removed with a checkout the cache evicts.
    public static func mirror(of sourceDirectory: String, under cacheRoot: String) -> String {
        directory(under: cacheRoot) + "/" + sourceDirectory.drop { $0 == "/" }
    }

    /// The directory a warm session or fork server keeps rewritten modules in, or nil when the
    /// environment it gets (`inherited` under the suite's `env`) lets pytest cache them itself.
    static func rewriteCache(suite: [String: String], inherited: [String: String], cacheRoot: String) -> String? {
        let forbidden = suite["PYTHONDONTWRITEBYTECODE"] ?? inherited["PYTHONDONTWRITEBYTECODE"] ?? ""
        return forbidden.isEmpty ? nil : directory(under: cacheRoot)  // an empty value is "not set" to Python
    }
}
