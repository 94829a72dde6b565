import Foundation

/// Remembers, for this process, which Swift packages were built from which sources, so a worker
/// running many batches of one package pays `swift build --build-tests` once instead of an
/// up-to-date check (≈ 0.35 s of SwiftPM start-up) per batch.
///
/// The fingerprint covers every non-hidden file under the package (count, total size, newest
/// modification time) plus the test products in `.build/debug`, so an edited source, a new
/// file, a changed `Package.resolved` or a cleaned `.build` all mean "build again".
final class SwiftBuildStamp: @unchecked Sendable {
    static let shared = SwiftBuildStamp()

    // Guarded by `lock`.
    private let lock = NSLock()
    private var built: [String: String] = [:]

    /// Whether `key` (directory, command, environment) was built with this `fingerprint`.
    func isBuilt(_ key: String, fingerprint: String) -> Bool {
        lock.withLock { built[key] == fingerprint }
    }

    func markBuilt(_ key: String, fingerprint: String) {
        lock.withLock { built[key] = fingerprint }
    }

    /// The state of the package's sources: taken before a build, so an edit during the build
    /// still counts as a change.
    static func sources(of directory: String) -> String {
        let root = URL(fileURLWithPath: directory)
        let keys: [URLResourceKey] = [.contentModificationDateKey, .fileSizeKey, .isRegularFileKey]
        var count = 0
        var size = 0
        var newest = 0.0
        // Hidden entries (.build, .git, .swiftpm) are build state or VCS data, not sources.
        if let walk = FileManager.default.enumerator(at: root, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles]) {
            for case let url as URL in walk {
                guard let values = try? url.resourceValues(forKeys: Set(keys)), values.isRegularFile == true else { continue }
                count += 1
                size += values.fileSize ?? 0
                newest = max(newest, values.contentModificationDate?.timeIntervalSince1970 ?? 0)
            }
        }
        return "\(count):\(size):\(newest)"
    }

    /// The test products in `.build/debug` and their modification times: taken after a build.
    static func products(of directory: String) -> String {
        var products: [String] = []
        let debug = URL(fileURLWithPath: directory).appendingPathComponent(".build/debug")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: debug.path)) ?? [] where name.hasSuffix(".xctest") {
            let modified = (try? FileManager.default.attributesOfItem(atPath: debug.appendingPathComponent(name).path))?[.modificationDate] as? Date
            products.append("\(name)@\(modified?.timeIntervalSince1970 ?? 0)")
        }
        return products.sorted().joined(separator: ",")
    }
}
