import Adapters
import Config
import Foundation
import Model

extension LocalFleet {
    /// Per worker (by index), each pytest suite directory of `suiteFile` → that worker's own
    /// mirror of it: none for the first worker, which works in the directory itself, one each
    /// for the others. Made here, before any worker starts, so no test has left a file in the
    /// directory yet (a copy made while the first worker's class had its staging set up would
    /// hold that staging, and the copy's own class would find it). This process holds the
    /// mirrors for the run (`DirectoryMirrors`); one that cannot be made is logged and its worker
    /// works in the directory itself.
    static func ownCopies(count: Int, suiteFile: String, build: String, cacheRoot: String = CacheRoot.defaultPath,
                          log: (String) -> Void) -> [[String: String]] {
        guard count > 1, let suites = try? SuiteFile.load(path: suiteFile).suites else { return [] }
        let directories = Set(suites.filter { $0.adapter == .pytest }.map { ($0.directory as NSString).standardizingPath })
        return (0..<count).map { index in
            guard index > 0 else { return [:] }
            var copies: [String: String] = [:]
            for directory in directories.sorted() {
                copies[directory] = DirectoryMirrors.shared.directory(
                    for: "worker\(index)", mirroring: directory, generation: build, cacheRoot: cacheRoot, log: log)
            }
            return copies
        }
    }
}
