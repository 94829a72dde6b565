#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A Python module testfleet writes for pytest to load with `-p`: into the worker's cache
/// directory, under a directory named by the content's hash, so an upgraded testfleet never
/// runs an old copy.
enum PythonPluginFile {
    /// Writes `source` as `moduleName.py` under `cacheDirectory` (atomically: workers share the
    /// cache) and returns the directory to put on `PYTHONPATH`.
    static func install(_ source: String, moduleName: String, under cacheDirectory: String) throws -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a: names the content's version
        for byte in source.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let directory = (cacheDirectory as NSString)
            .appendingPathComponent(moduleName.replacing("_", with: "-") + "-" + String(hash, radix: 16))
        let file = (directory as NSString).appendingPathComponent(moduleName + ".py")
        if FileManager.default.fileExists(atPath: file) { return directory }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temporary = file + ".\(getpid()).\(UUID().uuidString)"
        try Data(source.utf8).write(to: URL(fileURLWithPath: temporary))
        if rename(temporary, file) != 0 {
            try? FileManager.default.removeItem(atPath: temporary)
            if !FileManager.default.fileExists(atPath: file) {
                throw ProcessRunnerError("cannot write \(file): \(String(cString: strerror(errno)))")
            }
        }
        return directory
    }

    /// `directory` first on the `PYTHONPATH` the suite or this process gives.
    static func pythonPath(_ directory: String, suite: [String: String], inherited: [String: String]) -> String {
        let rest = suite["PYTHONPATH"] ?? inherited["PYTHONPATH"]
        return directory + (rest.map { $0.isEmpty ? "" : ":" + $0 } ?? "")
    }
}
