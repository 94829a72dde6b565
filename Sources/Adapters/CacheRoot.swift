import Foundation

/// The directory a worker or a local run keeps its caches in when not told otherwise.
public enum CacheRoot {
    /// `$TESTFLEET_CACHE`, else `~/.cache/testfleet`, as an absolute path.
    public static var defaultPath: String {
        if let path = ProcessInfo.processInfo.environment["TESTFLEET_CACHE"], !path.isEmpty { return absolute(path) }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/testfleet").path
    }

    /// `path` resolved against the current directory. Why: the cache holds the pytest plugins a
    /// test process loads through `PYTHONPATH`, and test processes run in their suite's
    /// directory, where a relative cache path names nothing (`TESTFLEET_CACHE=.cache` made every
    /// warm session fail to start with "No module named 'testfleet_warm'").
    public static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (full as NSString).standardizingPath
    }
}
