#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The mirrors (`DirectoryMirror`) this process works in, each claimed under a cache directory
/// with a lock held while it serves, so two workers sharing a cache (a local run's, or two runs
/// at once) never sync one mirror under each other's tests. A mirror's path is stable
/// from run to run (the source's absolute path below the first free of
/// `<cache>/mirrors/<purpose>-<hash of the source>-<n>`: see `DirectoryMirror.syncAtItsPath`),
/// so what is cached by path (rewritten test modules, statement ranges) is found again.
public final class DirectoryMirrors: @unchecked Sendable {
    /// The process's mirrors.
    public static let shared = DirectoryMirrors()

    private let lock = NSLock()
    /// The mirrors this process holds, oldest first: what it mirrors ((purpose, source)), for
    /// which generation, its claimed directory, the source's place in it, and the claim's lock.
    private var claimed: [(name: String, generation: String, base: String, path: String, lock: Int32)] = []
    /// Sources that cannot be mirrored (and why was logged once).
    private var refused: Set<String> = []
    /// Cache directories whose abandoned mirrors were swept (once per process).
    private var swept: Set<String> = []
    /// Generations one process keeps mirrors of: the mirrors of the oldest beyond this are
    /// removed (a worker that serves several builds at once works in a few; a fleet worker's
    /// checkouts come and go). A generation's mirrors all stay: a local run holds one per worker
    /// and suite directory, however many.
    static let generationsKept = 8
    /// A mirror no process holds whose claim is older than this is removed by the next process
    /// that claims one under the same cache (a fleet worker restarted, a run killed).
    static let abandonedAfter: TimeInterval = 24 * 3600

    /// The mirror of `source` for `purpose` and `generation` (the code and suite it serves: a
    /// warm key) under `cacheRoot`, made when first asked for; nil when `source` cannot be
    /// mirrored (another file system, too large), which `log` says once: the caller then works
    /// in `source` itself. A mirror is never synced again while it serves, so a test working
    /// in it never sees another generation's files come and go.
    public func directory(for purpose: String, mirroring source: String, generation: String,
                          cacheRoot: String, log: (String) -> Void) -> String? {
        let name = purpose + "\u{0}" + source
        lock.lock()
        defer { lock.unlock() }
        if refused.contains(name) { return nil }
        if let mirror = claimed.first(where: { $0.name == name && $0.generation == generation }) { return mirror.path }
        let root = cacheRoot + "/mirrors"
        if swept.insert(root).inserted { sweepAbandoned(under: root) }
        do {
            let (base, held) = try claim(purpose + "-" + PythonPluginFile.contentHash(source), under: root)
            let path: String
            do { path = try DirectoryMirror.syncAtItsPath(source, under: base, excluding: [cacheRoot]) } catch {
                close(held)
                throw error
            }
            claimed.append((name, generation, base, path, held))
            var generations: [String] = []
            for entry in claimed where !generations.contains(entry.generation) { generations.append(entry.generation) }
            for old in generations.dropLast(Self.generationsKept) {
                for entry in claimed where entry.generation == old {
                    try? FileManager.default.removeItem(atPath: entry.base)
                    close(entry.lock)
                }
                claimed.removeAll { $0.generation == old }
            }
            return path
        } catch {
            refused.insert(name)
            log("cannot mirror \(source) for \(purpose) (\(error)); working in it directly")
            return nil
        }
    }

    /// Removes the mirrors under `root` that no process holds and whose claim (the lock file's
    /// modification time, set at each claim) is older than `abandonedAfter`.
    private func sweepAbandoned(under root: String) {
        let limit = Date(timeIntervalSinceNow: -Self.abandonedAfter)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] where name.hasSuffix(".lock") {
            let lockPath = root + "/" + name
            guard let modified = try? FileManager.default.attributesOfItem(atPath: lockPath)[.modificationDate] as? Date,
                  modified < limit else { continue }
            let fd = open(lockPath, O_RDWR | O_CLOEXEC)
            guard fd >= 0 else { continue }
            if flock(fd, LOCK_EX | LOCK_NB) == 0 {
                try? FileManager.default.removeItem(atPath: String(lockPath.dropLast(".lock".count)))
                unlink(lockPath)
            }
            close(fd)
        }
    }

    /// The first of `<root>/<base>-0`, `-1`, … whose lock this process could take, and the
    /// lock's descriptor: the claim is held while it is open (at most until the process exits).
    private func claim(_ base: String, under root: String) throws -> (String, Int32) {
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for index in 0..<64 {
            let path = root + "/" + base + "-\(index)"
            let fd = open(path + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw DirectoryMirror.Failure(description: "cannot open \(path).lock: \(String(cString: strerror(errno)))") }
            if flock(fd, LOCK_EX | LOCK_NB) == 0 {
                futimens(fd, nil)  // claimed now: see sweepAbandoned
                return (path, fd)
            }
            close(fd)
        }
        throw DirectoryMirror.Failure(description: "64 processes hold a mirror of it already")
    }
}
