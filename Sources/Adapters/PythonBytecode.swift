import Foundation

/// Where bytecode is kept when it may not be written beside sources.
///
/// pytest rewrites the asserts of every conftest, plugin and test module it imports and caches
/// the result as bytecode beside the source; Python does the same for every module it compiles.
/// Many CI images set `PYTHONDONTWRITEBYTECODE=1` to keep `__pycache__` out of the tree, and
/// then every process rewrites and compiles all of them again: on attrs' suite the rewriting is
/// 0.7 s of the 1.0 s a process spends before its first test, on dateutil's (an editable install)
/// compiling the package is 0.57 of 1.0 s, and a worker starts such processes for every build
/// (warm sessions, fork servers).
///
/// testfleet's warm sessions and fork servers keep that bytecode under the worker's cache
/// directory instead (its plugin points pytest's rewrite cache and the import system there), so
/// a process reuses what an earlier one compiled and the source tree stays as clean as the
/// variable asked. A module whose fresh bytecode sits beside its source (installed packages ship
/// it) still loads it from there: looking for all bytecode elsewhere would compile those again.
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
