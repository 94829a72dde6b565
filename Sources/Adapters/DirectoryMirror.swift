#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A directory's tree mirrored elsewhere with hard links: the same files (the same inodes, so
/// the same contents and modification times, and Python's bytecode beside them stays valid),
/// but directories of its own, so what a test process makes under its working directory
/// (alembic's `scratch/`, a SQLite file named relative to it) is not seen by a process working
/// in the original. Why: a fleet worker runs in its own checkout and a retry runs on another
/// worker, so two processes never share one working tree there; a local run's workers and a
/// worker's retries would, and suites that keep per-process state under the working directory
/// (named per pytest-xdist worker, which testfleet's processes are not) then break each other.
///
/// A file a test rewrites in place changes the original too, as it would without a mirror; one
/// it replaces or removes does not. Version-control, tool and environment directories (any whose
/// name starts with a dot, `node_modules`, a virtualenv) are linked to as a whole, not mirrored.
public enum DirectoryMirror {
    /// Why a mirror could not be made (another file system, too many entries).
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Makes `destination` hold exactly what `source` holds, linking files not linked already and
    /// removing what `source` no longer has (or what a test made there). At most `limit` entries
    /// are mirrored; paths in `excluded` are not (a cache directory inside `source`, which holds
    /// the mirror itself). Returns how many were.
    @discardableResult
    public static func sync(from source: String, to destination: String, excluding excluded: Set<String> = [],
                            limit: Int = 200_000) throws -> Int {
        var walk = Walk(excluding: excluded, limit: limit)
        try walk.syncDirectory((source as NSString).standardizingPath, destination)
        return walk.count
    }

    /// Whether directory `name` (at `path`) is linked to whole rather than mirrored.
    static func isLinkedWhole(_ name: String, at path: String) -> Bool {
        name.hasPrefix(".") || name == "node_modules" || access(path + "/pyvenv.cfg", F_OK) == 0
    }

    /// One sync's state: what it skips and how many entries it mirrored so far.
    struct Walk {
        let excluded: Set<String>
        let limit: Int
        var count = 0

        init(excluding excluded: Set<String>, limit: Int) {
            self.excluded = Set(excluded.map { ($0 as NSString).standardizingPath })
            self.limit = limit
        }

        /// Counts one more entry, failing past the limit.
        mutating func counted(in directory: String) throws {
            count += 1
            if count > limit { throw Failure(description: "\(directory) has more than \(limit) entries") }
        }

        /// Makes `to` a hard link to the regular file `from` (`original` its status; `existing`
        /// `to`'s, when `exists`) unless it is one already. False when the link could not be made.
        func linkFile(_ from: String, _ to: String, _ original: stat, exists: Bool, _ existing: stat) throws -> Bool {
            if exists && existing.st_ino == original.st_ino && existing.st_dev == original.st_dev { return true }
            if exists { try DirectoryMirror.remove(to) }
            return link(from, to) == 0
        }

        mutating func syncDirectory(_ source: String, _ destination: String) throws {
            var status = stat()
            if lstat(destination, &status) == 0 && (status.st_mode & S_IFMT) != S_IFDIR {
                try DirectoryMirror.remove(destination)
            }
            if mkdir(destination, 0o755) != 0 && errno != EEXIST { throw DirectoryMirror.failure("cannot make \(destination)") }
            let names = try DirectoryMirror.entries(of: source).filter { !excluded.contains(source + "/" + $0) }
            let present = Set(names)
            for name in try DirectoryMirror.entries(of: destination) where !present.contains(name) {
                try DirectoryMirror.remove(destination + "/" + name)
            }
            for name in names {
                try counted(in: source)
                let from = source + "/" + name, to = destination + "/" + name
                var original = stat()
                guard lstat(from, &original) == 0 else { continue }  // gone meanwhile
                var existing = stat()
                let exists = lstat(to, &existing) == 0
                switch original.st_mode & S_IFMT {
                case S_IFDIR where DirectoryMirror.isLinkedWhole(name, at: from):
                    try DirectoryMirror.linkSymbolically(to, target: from, exists: exists, existing)
                case S_IFDIR:
                    try syncDirectory(from, to)
                case S_IFREG:
                    if try !linkFile(from, to, original, exists: exists, existing) {
                        throw DirectoryMirror.failure("cannot hard-link \(from) to \(to)")
                    }
                case S_IFLNK:
                    guard let target = DirectoryMirror.readLink(from) else { continue }
                    try DirectoryMirror.linkSymbolically(to, target: target, exists: exists, existing)
                default:
                    if exists { try DirectoryMirror.remove(to) }  // sockets, pipes, devices: not mirrored
                }
            }
        }
    }

    /// Makes `path` a symbolic link to `target`, unless it is one already.
    static func linkSymbolically(_ path: String, target: String, exists: Bool, _ existing: stat) throws {
        if exists {
            if (existing.st_mode & S_IFMT) == S_IFLNK && readLink(path) == target { return }
            try remove(path)
        }
        if symlink(target, path) != 0 { throw failure("cannot link \(path) to \(target)") }
    }

    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink(path, &buffer, buffer.count - 1)
        guard length >= 0 else { return nil }
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func entries(of directory: String) throws -> [String] {
        guard let stream = opendir(directory) else { throw failure("cannot read \(directory)") }
        defer { closedir(stream) }
        var names: [String] = []
        // The name is read in place: an entry is only as long as its name (d_reclen), so copying
        // the whole `dirent` (`entry.pointee`) read past the last one into an unmapped page.
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        while let entry = readdir(stream) {
            let name = String(cString: UnsafeRawPointer(entry).advanced(by: nameOffset).assumingMemoryBound(to: CChar.self))
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Removes `path`, a directory with what it holds; a symbolic link itself, never its target.
    static func remove(_ path: String) throws {
        do { try FileManager.default.removeItem(atPath: path) } catch {
            throw Failure(description: "cannot remove \(path): \(error.localizedDescription)")
        }
    }

    static func failure(_ what: String) -> Failure {
        Failure(description: what + ": " + String(cString: strerror(errno)))
    }
}
