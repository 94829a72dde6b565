import Foundation
import Model
import Store

/// Reuses a suite's previous test list while nothing that decides it has changed. Collection is
/// the slow serial step before a pytest build can hand out work (seconds for a large suite), and
/// most builds change no test file.
///
/// The fingerprint covers the suite's settings and the size and modification time of every file
/// under its directory that a framework reads when listing tests (sources, configs, conftest),
/// plus site-packages when the suite lives in an installed package (it changes when packages are
/// installed). Anything it misses is bounded by `maxAge`: at worst one day with a stale list.
/// A directory too large to walk quickly, or a name with a newline, is simply not cached.
enum InventoryCache {
    static let maxAge = 24 * 3600.0
    static let maxFiles = 200_000
    static let skippedFolders: Set = [".git", ".hg", "__pycache__", ".pytest_cache", "node_modules", ".tox", ".mypy_cache"]

    /// The suite's test names: cached ones while its fingerprint holds, else `list()` (and the
    /// result cached). `extensions` are the adapter's `inventoryFileExtensions`; nil: no cache.
    /// `fingerprint`: the suite's, when the caller just took it (`check`).
    static func names(for suite: SuiteDefinition, extensions: Set<String>?, store: Store, fingerprint taken: String? = nil,
                      list: () throws -> [String]) throws -> [String]
    {
        guard let extensions, let fingerprint = taken ?? fingerprint(of: suite, extensions: extensions) else { return try list() }
        let key = Self.key(suite)
        if let cached = try? store.cachedInventory(suiteKey: key, fingerprint: fingerprint, maxAge: maxAge) { return cached }
        let names = try list()
        if !names.contains(where: { $0.contains("\n") }) {
            try? store.cacheInventory(suiteKey: key, fingerprint: fingerprint, names: names)
        }
        return names
    }

    /// Whether `names(for:…)` would answer from the cache now, without listing the suite, and
    /// the fingerprint that says so (nil: the suite is not cached at all).
    static func check(_ suite: SuiteDefinition, extensions: Set<String>?, store: Store) -> (cached: Bool, fingerprint: String?) {
        guard let extensions, let fingerprint = fingerprint(of: suite, extensions: extensions) else { return (false, nil) }
        return ((try? store.cachedInventory(suiteKey: key(suite), fingerprint: fingerprint, maxAge: maxAge)) != nil, fingerprint)
    }

    static func key(_ suite: SuiteDefinition) -> String { "\(suite.adapter.rawValue)|\(suite.name)|\(suite.directory)" }

    static func fingerprint(of suite: SuiteDefinition, extensions: Set<String>) -> String? {
        var hash = FNV1a()
        hash.add("\(suite.adapter.rawValue)\u{0}\(suite.command ?? "")\u{0}\(suite.timeout)\u{0}")
        for (key, value) in suite.environment.sorted(by: { $0.key < $1.key }) { hash.add("\(key)=\(value)\u{0}") }
        let root = URL(fileURLWithPath: suite.directory)
        var files: [(String, Int64, Int)] = []
        guard let walker = FileManager.default.enumerator(atPath: suite.directory) else { return nil }
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            // A package's *.egg-info is setuptools' output, rewritten whenever a test builds the
            // package in place (wheel 0.45.1's tests: every later build collected again, 0.5 s).
            if skippedFolders.contains(name) || name.hasPrefix(".build") || name.hasSuffix(".egg-info") {
                walker.skipDescendants()
                continue
            }
            guard extensions.contains((name as NSString).pathExtension.lowercased()) else { continue }
            var info = stat()
            guard stat(root.appendingPathComponent(relative).path, &info) == 0 else { continue }
            files.append((relative, Int64(info.st_size), Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec)))
            if files.count > maxFiles { return nil }
        }
        files.sort { $0.0 < $1.0 }
        for (path, size, mtime) in files { hash.add("\(path)\u{0}\(size)\u{0}\(mtime)\n") }
        // Tests shipped inside an installed package: installing or removing any package changes
        // site-packages, which can change what collection skips (importorskip).
        let parent = root.deletingLastPathComponent()
        var info = stat()
        if parent.lastPathComponent == "site-packages", stat(parent.path, &info) == 0 {
            hash.add("site-packages \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)")
        }
        return "\(files.count)-" + String(hash.value, radix: 16)
    }
}
