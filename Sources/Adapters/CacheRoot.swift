import Foundation

/// The directory a worker or a local run keeps its caches in when not told otherwise.
public enum CacheRoot {
    /// `$TESTFLEET_CACHE`, else `~/.cache/testfleet`.
    public static var defaultPath: String {
        if let path = ProcessInfo.processInfo.environment["TESTFLEET_CACHE"], !path.isEmpty { return path }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/testfleet").path
    }
}
