import Foundation

/// Where the Python processes testfleet starts keep their compiled bytecode.
///
/// Many CI images set `PYTHONDONTWRITEBYTECODE=1` to keep `__pycache__` out of the source tree.
/// Every pytest process then compiles again what it imports from source and pytest rewrites
/// the asserts of every conftest, plugin and test module again: on attrs' suite a process spends
/// 1.0 s before its first test where the same process with cached bytecode spends 0.35 s, and
/// a worker starts many (warm sessions, fork servers, cold runs, each build's).
///
/// When the inherited environment forbids writing bytecode and the suite's own `env` says
/// nothing about it, testfleet's processes write it under the cache directory instead
/// (`PYTHONPYCACHEPREFIX`, which pytest's assertion rewriting honours too): the source tree stays
/// as clean as the variable asked, and a process reuses what an earlier one compiled. A suite
/// that sets `PYTHONDONTWRITEBYTECODE` or `PYTHONPYCACHEPREFIX` in its `env`, or a machine that
/// sets `PYTHONPYCACHEPREFIX`, is left exactly as configured.
public enum PythonBytecode {
    /// The directory under a cache root that holds the bytecode.
    public static func directory(under cacheRoot: String) -> String {
        (cacheRoot as NSString).appendingPathComponent("python-bytecode")
    }

    /// Where the bytecode of sources under `sourceDirectory` lands (Python mirrors the absolute
    /// path below the prefix): removed with a checkout the cache evicts.
    public static func mirror(of sourceDirectory: String, under cacheRoot: String) -> String {
        directory(under: cacheRoot) + "/" + sourceDirectory.drop { $0 == "/" }
    }

    /// What to lay over `inherited` (this process's environment) and the suite's own `suite`
    /// variables so bytecode goes under `cacheRoot`; empty when nothing should change.
    static func environment(suite: [String: String], inherited: [String: String], cacheRoot: String) -> [String: String] {
        if suite["PYTHONDONTWRITEBYTECODE"] != nil || suite["PYTHONPYCACHEPREFIX"] != nil { return [:] }
        guard let forbidden = inherited["PYTHONDONTWRITEBYTECODE"], !forbidden.isEmpty,
              (inherited["PYTHONPYCACHEPREFIX"] ?? "").isEmpty
        else { return [:] }
        // An empty value is "not set" to Python.
        return ["PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": directory(under: cacheRoot)]
    }
}
