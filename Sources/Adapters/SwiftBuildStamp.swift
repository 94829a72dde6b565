import Foundation

/// Remembers which Swift packages were built from which sources, so a worker running many
/// batches of one package pays `swift build --build-tests` once instead of an up-to-date check
/// (≈ 0.5 s of SwiftPM start-up, manifests and all) per batch.
///
/// The fingerprint covers every non-hidden file under the package (count, total size, newest
/// modification time) plus the test products in `.build/debug`, so an edited source, a new
/// file, a changed `Package.resolved` or a cleaned `.build` all mean "build again".
///
/// Stamps are also kept on disk, one small file per key under `folder` (the worker's cache), so
/// the next worker process trusts a build the last one, or a local run's inventory, made: local
/// runs start new worker processes every build, and each paid the up-to-date check again
/// (swift-algorithms: 0.5–0.6 s of a 3.3 s later build).
final class SwiftBuildStamp: @unchecked Sendable {
    static let shared = SwiftBuildStamp(folder: CacheRoot.defaultPath + "/swift-builds")

    /// Where stamps are kept on disk; nil keeps them in this process only.
    let folder: String?
    // Guarded by `lock`.
    private let lock = NSLock()
    private var built: [String: String] = [:]

    init(folder: String?) {
        self.folder = folder
    }

    /// Whether `key` (directory, command, environment) was built with this `fingerprint`.
    func isBuilt(_ key: String, fingerprint: String) -> Bool {
        if lock.withLock({ built[key] == fingerprint }) { return true }
        guard let file = file(of: key), let data = FileManager.default.contents(atPath: file),
              String(decoding: data, as: UTF8.self) == key + "\u{0}" + fingerprint
        else { return false }
        lock.withLock { built[key] = fingerprint }
        return true
    }

    func markBuilt(_ key: String, fingerprint: String) {
        lock.withLock { built[key] = fingerprint }
        guard let folder, let file = file(of: key) else { return }
        // Written whole under a temporary name, then renamed: a reader never sees half a stamp.
        // The key is stored too, so two keys of one hash cannot vouch for each other.
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = file + ".\(getpid()).tmp"
        if FileManager.default.createFile(atPath: temporary, contents: Data((key + "\u{0}" + fingerprint).utf8)) {
            if rename(temporary, file) != 0 { unlink(temporary) }
        }
    }

    private func file(of key: String) -> String? {
        folder.map { $0 + "/" + GoTestBinaries.hash(key) }
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
