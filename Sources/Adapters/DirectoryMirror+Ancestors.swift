#if canImport(Glibc)
import Glibc
#endif
import Foundation

extension DirectoryMirror {
    /// Mirrors `source` at its own absolute path below `root` (`root + source`, returned), with
    /// the files of each directory above it linked beside the way down, so the mirror stands
    /// where the original stands: pytest finds the same ini file above the suite (its rootdir,
    /// so the same node ids), the same conftest files, and the same `__init__.py` files up to a
    /// test module's package root, whose directory name is part of the module's name
    /// (networkx's tests run from its package directory `…/site-packages/networkx`: mirrored
    /// under another name, `networkx.algorithms.tests…` would be another package). Directories
    /// above the source are not mirrored, but a `.git` there is linked (a test asking git for
    /// its repository finds it). A file above the source that cannot be linked (another file
    /// system) is left out; the source's own tree is mirrored whole or not at all (`sync`).
    public static func syncAtItsPath(_ source: String, under root: String, excluding excluded: Set<String> = [],
                                     limit: Int = 200_000) throws -> String {
        let source = (source as NSString).standardizingPath
        var walk = Walk(excluding: excluded, limit: limit)
        var ancestor = ""
        for component in source.split(separator: "/").map(String.init) {
            try walk.syncFiles(of: ancestor.isEmpty ? "/" : ancestor, into: root + ancestor, keeping: component)
            ancestor += "/" + component
        }
        try walk.syncDirectory(source, root + source)
        return root + source
    }
}

extension DirectoryMirror.Walk {
    /// Makes `destination` hold `directory`'s regular files (hard links) and its `.git`
    /// (a symbolic link), beside `kept`, the directory on the way down; nothing else.
    mutating func syncFiles(of directory: String, into destination: String, keeping kept: String) throws {
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
        let base = directory == "/" ? "" : directory
        var wanted: Set<String> = [kept]
        for name in (try? DirectoryMirror.entries(of: directory)) ?? [] where name != kept && !excluded.contains(base + "/" + name) {
            let from = base + "/" + name, to = destination + "/" + name
            var original = stat(), existing = stat()
            guard lstat(from, &original) == 0 else { continue }
            let exists = lstat(to, &existing) == 0
            switch original.st_mode & S_IFMT {
            case S_IFREG:
                try counted(in: directory)
                if try linkFile(from, to, original, exists: exists, existing) { wanted.insert(name) }  // else another file system: left out
            case S_IFDIR where name == ".git":
                try DirectoryMirror.linkSymbolically(to, target: from, exists: exists, existing)
                wanted.insert(name)
            default:
                continue
            }
        }
        for name in try DirectoryMirror.entries(of: destination) where !wanted.contains(name) {
            try DirectoryMirror.remove(destination + "/" + name)
        }
    }
}
