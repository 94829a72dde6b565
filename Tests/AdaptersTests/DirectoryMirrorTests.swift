import Foundation
import Testing
@testable import Adapters

/// Mirrors of a directory on the real file system: the same files (hard links), directories of
/// their own, tool and environment directories linked whole, and a sync that makes the mirror
/// equal to its source again.
struct DirectoryMirrorTests {
    let root: TemporaryDirectory
    var source: String { root.path + "/project" }
    var mirror: String { root.path + "/mirror" }

    init() throws {
        root = try TemporaryDirectory()
        try write("tests/test_one.py", "def test_one():\n    pass\n")
        try write("data/input.txt", "input\n")
        try write(".git/HEAD", "ref: refs/heads/main\n")
        try write("venv/pyvenv.cfg", "home = /usr/bin\n")
        try write("venv/lib/site.py", "")
        try FileManager.default.createSymbolicLink(atPath: source + "/input-link", withDestinationPath: "data/input.txt")
    }

    func write(_ relative: String, _ text: String, under base: String? = nil) throws {
        let path = (base ?? source) + "/" + relative
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func inode(_ path: String) -> UInt64? {
        var status = stat()
        return lstat(path, &status) == 0 ? UInt64(status.st_ino) : nil
    }

    func linkTarget(_ path: String) -> String? { try? FileManager.default.destinationOfSymbolicLink(atPath: path) }

    @Test func filesAreTheSameInodesDirectoriesAreItsOwnAndToolDirectoriesAreLinkedWhole() throws {
        let count = try DirectoryMirror.sync(from: source, to: mirror)
        #expect(count == 7, "tests/, its file, data/, its file, .git, venv, the link: nothing below .git or venv")
        #expect(inode(mirror + "/tests/test_one.py") == inode(source + "/tests/test_one.py"))
        #expect(inode(mirror + "/tests") != inode(source + "/tests"), "a directory of its own")
        #expect(linkTarget(mirror + "/.git") == source + "/.git")
        #expect(linkTarget(mirror + "/venv") == source + "/venv", "a virtualenv is linked, not mirrored")
        #expect(linkTarget(mirror + "/input-link") == "data/input.txt", "a symbolic link is copied as it is")
        // What a test makes in the mirror stays there.
        try write("scratch/staged.txt", "", under: mirror)
        #expect(!FileManager.default.fileExists(atPath: source + "/scratch"))
    }

    @Test func aSecondSyncRemovesWhatTestsMadeAndFollowsTheSourcesChanges() throws {
        try DirectoryMirror.sync(from: source, to: mirror)
        try write("scratch/scripts/env.py", "", under: mirror)
        try write("tests/test_two.py", "def test_two():\n    pass\n")
        try write("data/input.txt", "replaced\n")  // atomically: a new file, a new inode
        try FileManager.default.removeItem(atPath: source + "/tests/test_one.py")
        try DirectoryMirror.sync(from: source, to: mirror)
        #expect(!FileManager.default.fileExists(atPath: mirror + "/scratch"))
        #expect(!FileManager.default.fileExists(atPath: mirror + "/tests/test_one.py"))
        #expect(inode(mirror + "/tests/test_two.py") == inode(source + "/tests/test_two.py"))
        #expect(inode(mirror + "/data/input.txt") == inode(source + "/data/input.txt"))
        #expect(try String(contentsOfFile: mirror + "/data/input.txt", encoding: .utf8) == "replaced\n")
    }

    @Test func anExcludedDirectoryIsLeftOutAndATooLargeTreeIsRefused() throws {
        try write("cache/mirrors/old/file", "")
        try DirectoryMirror.sync(from: source, to: mirror, excluding: [source + "/cache"])
        #expect(!FileManager.default.fileExists(atPath: mirror + "/cache"))
        #expect(throws: DirectoryMirror.Failure.self) { try DirectoryMirror.sync(from: source, to: mirror, limit: 3) }
    }

    /// pytest decides a suite's rootdir (its node ids) from ini files above it, and a test
    /// module's package name from the `__init__.py` files up to its package root, whose
    /// directory name is part of the name: the mirror stands at the source's own path below its
    /// root, with the files of the directories above beside the way down.
    @Test func aMirrorStandsAtTheSourcesPathWithTheFilesAboveIt() throws {
        try write("pytest.ini", "[pytest]\n", under: root.path)
        try write("sibling/other.py", "", under: root.path)
        try write("__init__.py", "")
        let base = root.path + "/mirrors/m"
        let path = try DirectoryMirror.syncAtItsPath(source, under: base)
        #expect(path == base + (source as NSString).standardizingPath)
        #expect(inode(path + "/tests/test_one.py") == inode(source + "/tests/test_one.py"))
        #expect(inode((path as NSString).deletingLastPathComponent + "/pytest.ini") == inode(root.path + "/pytest.ini"))
        #expect(!FileManager.default.fileExists(atPath: (path as NSString).deletingLastPathComponent + "/sibling"),
                "directories above the source are not mirrored")
        #expect(!FileManager.default.fileExists(atPath: (path as NSString).deletingLastPathComponent + "/mirrors"),
                "the way down, not the mirror itself")
        // Again, after the ini file went: the mirror follows.
        try FileManager.default.removeItem(atPath: root.path + "/pytest.ini")
        #expect(try DirectoryMirror.syncAtItsPath(source, under: base) == path)
        #expect(!FileManager.default.fileExists(atPath: (path as NSString).deletingLastPathComponent + "/pytest.ini"))
    }

    @Test func eachClaimantGetsAMirrorOfItsOwnAndOldGenerationsAreRemoved() throws {
        let cache = root.path + "/cache"
        var lines: [String] = []
        let first = DirectoryMirrors(), second = DirectoryMirrors()
        let path = first.directory(for: "children", mirroring: source, generation: "g1", cacheRoot: cache) { lines.append($0) }
        #expect(path != nil && path!.hasPrefix(cache + "/mirrors/children-") && path!.hasSuffix(source), "\(lines)")
        #expect(first.directory(for: "children", mirroring: source, generation: "g1", cacheRoot: cache) { lines.append($0) } == path)
        // Another process (here: another registry, another lock) never gets a mirror in use.
        let other = second.directory(for: "children", mirroring: source, generation: "g1", cacheRoot: cache) { lines.append($0) }
        #expect(other != nil && other != path)
        var paths = [path]
        for generation in 2...DirectoryMirrors.generationsKept + 1 {
            paths.append(first.directory(for: "children", mirroring: source, generation: "g\(generation)", cacheRoot: cache) { lines.append($0) })
        }
        #expect(Set(paths.compactMap { $0 }).count == paths.count, "a mirror per generation")
        #expect(!FileManager.default.fileExists(atPath: path!), "the oldest mirror is removed")
        #expect(FileManager.default.fileExists(atPath: paths.last!! + "/tests/test_one.py"))
        #expect(lines.isEmpty)
    }

    /// A mirror a killed run or a restarted fleet worker left behind is removed by the next
    /// process that claims one under the cache, once a day has passed; one that a live process
    /// holds never is, however old its claim.
    @Test func abandonedMirrorsAreSweptAndHeldOnesAreNot() throws {
        let cache = root.path + "/cache"
        let holder = DirectoryMirrors()
        let held = try #require(holder.directory(for: "worker1", mirroring: source, generation: "g", cacheRoot: cache) { _ in })
        let abandoned = cache + "/mirrors/children-0123-0"
        try write("file", "", under: abandoned)
        try "".write(toFile: abandoned + ".lock", atomically: true, encoding: .utf8)
        let dayAgo = Date(timeIntervalSinceNow: -DirectoryMirrors.abandonedAfter - 60)
        let locks = try FileManager.default.contentsOfDirectory(atPath: cache + "/mirrors").filter { $0.hasSuffix(".lock") }
        #expect(locks.count == 2)
        for lock in locks {
            try FileManager.default.setAttributes([.modificationDate: dayAgo], ofItemAtPath: cache + "/mirrors/" + lock)
        }
        _ = DirectoryMirrors().directory(for: "children", mirroring: source, generation: "g", cacheRoot: cache) { _ in }
        #expect(!FileManager.default.fileExists(atPath: abandoned) && !FileManager.default.fileExists(atPath: abandoned + ".lock"))
        #expect(FileManager.default.fileExists(atPath: held + "/tests/test_one.py"), "held by a live claim")
    }
}
