import Adapters
import Foundation

extension WorkspaceCache {
    /// Past `limitBytes`, removes the least recently used checkouts (and their setup markers)
    /// (with their setup markers and the Python bytecode compiled from them) and bundles until
    /// the cache fits, skipping checkouts a running grant holds. Mirrors stay: they are what
    /// makes the next fetch of a repository small.
    func evictIfNeeded() {
        guard limitBytes > 0 else { return }
        var total = Self.size(of: root)
        guard total > limitBytes else { return }
        let held = inUse.get()
        var candidates: [(date: Date, path: String, commit: String?)] = []
        let files = FileManager.default
        for name in (try? files.contentsOfDirectory(atPath: path("trees"))) ?? [] where held[name] == nil {
            let date = (try? files.attributesOfItem(atPath: readyMarker(name))[.modificationDate] as? Date) ?? .distantPast
            candidates.append((date, path("trees", name), name))
        }
        for name in (try? files.contentsOfDirectory(atPath: path("bundles"))) ?? [] {
            let file = path("bundles", name)
            let date = (try? files.attributesOfItem(atPath: file)[.modificationDate] as? Date) ?? .distantPast
            candidates.append((date, file, nil))
        }
        for candidate in candidates.sorted(by: { $0.date < $1.date }) where total > limitBytes {
            var freed = Self.size(of: candidate.path)
            if let commit = candidate.commit {
                let bytecode = PythonBytecode.mirror(of: candidate.path, under: root)
                freed += Self.size(of: bytecode)
                try? files.removeItem(atPath: bytecode)
                try? files.removeItem(atPath: readyMarker(commit))
                for marker in (try? files.contentsOfDirectory(atPath: path("state"))) ?? [] where marker.hasPrefix(commit + ".") {
                    try? files.removeItem(atPath: path("state", marker))
                }
            }
            try? files.removeItem(atPath: candidate.path)
            total -= freed
            log("evicted \(candidate.path) (\(freed / 1024) KiB) to keep the cache under \(limitBytes / (1 << 20)) MiB")
        }
    }

    /// Bytes of the regular files under `directory`.
    static func size(of directory: String) -> Int64 {
        var total: Int64 = 0
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return 0 }
        while let item = walker.nextObject() as? String {
            if let attributes = walker.fileAttributes, attributes[.type] as? FileAttributeType == .typeRegular {
                total += (attributes[.size] as? NSNumber)?.int64Value ?? 0
            }
            _ = item
        }
        return total
    }
}
