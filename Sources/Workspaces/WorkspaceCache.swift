import Adapters
import Foundation
public import Model
public import Wire

/// A worker's cache of build code: one bare git mirror per repository, one checkout per commit
/// (a git worktree, or a source bundle unpacked), and which suites' `setup` already ran there.
///
/// Layout under `root`: `git/<repo key>.git` (mirrors), `trees/<commit>` (checkouts),
/// `bundles/<address>` (source bundles as received), `state/` (a `<commit>.ready` marker per
/// finished checkout, touched on each use, which orders eviction; a marker per suite set up).
/// Several slots may ask for the same commit at once: each mirror, checkout and setup has its
/// own lock, so the second waits and then finds it done.
public final class WorkspaceCache: Sendable {
    public let root: String
    /// Total size the cache is kept under (0: no limit); least recently used checkouts and
    /// bundles are evicted past it, never one a running grant uses.
    public let limitBytes: Int64
    let log: @Sendable (String) -> Void
    let locks = Locked<[String: NSLock]>([:])
    let inUse = Locked<[String: Int]>([:])
    /// Bundles received with a grant and not yet written to disk: another slot may need one
    /// before the slot that got it has stored it.
    let arriving = Locked<[String: [UInt8]]>([:])

    public init(root: String, limitBytes: Int64, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.root = URL(fileURLWithPath: root).standardizedFileURL.path
        self.limitBytes = limitBytes
        self.log = log
    }

    /// Takes note of a bundle's bytes as a grant brings them (on the thread that receives
    /// grants, before any slot runs them), so every slot finds them. Cheap: no I/O.
    public func received(_ source: WorkspaceSource) {
        guard let address = source.bundle, !source.bundleData.isEmpty else { return }
        arriving.update { $0[address] = source.bundleData }
    }

    /// Materialises `source`'s commit and returns the checkout's root; the checkout is not
    /// evicted until `release(_:)`. Anything that fails is an infrastructure error naming it.
    public func acquire(_ source: WorkspaceSource) throws(TestfleetError) -> String {
        guard Self.isFullSHA(source.commit) else {
            throw .infrastructure("commit '\(source.commit)' is not a full SHA; workers check out exact commits")
        }
        inUse.update { $0[source.commit, default: 0] += 1 }
        do {
            let tree = try materialise(source)
            touch(readyMarker(source.commit))
            return tree
        } catch {
            release(source.commit)
            throw error
        }
    }

    /// The grant that acquired `commit` is done with it.
    public func release(_ commit: String) {
        inUse.update { uses in
            uses[commit, default: 1] -= 1
            if uses[commit]! <= 0 { uses[commit] = nil }
        }
    }

    static func isFullSHA(_ text: String) -> Bool {
        (text.count == 40 || text.count == 64) && text.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    func path(_ parts: String...) -> String { ([root] + parts).joined(separator: "/") }
    func readyMarker(_ commit: String) -> String { path("state", "\(commit).ready") }

    func withLock<T>(_ key: String, _ body: () throws(TestfleetError) -> T) throws(TestfleetError) -> T {
        let lock = locks.update { table in
            if let lock = table[key] { return lock }
            let lock = NSLock()
            table[key] = lock
            return lock
        }
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    private func materialise(_ source: WorkspaceSource) throws(TestfleetError) -> String {
        let tree = path("trees", source.commit)
        if let address = source.bundle, let bytes = source.bundleData.isEmpty ? arriving.get()[address] : source.bundleData {
            try storeBundle(try SourceBundle(address: address, bytes: bytes))
            arriving.update { $0[address] = nil }
        }
        return try withLock("tree:\(source.commit)") { () throws(TestfleetError) -> String in
            if FileManager.default.fileExists(atPath: readyMarker(source.commit)) { return tree }
            try? FileManager.default.removeItem(atPath: tree)
            try makeDirectory(path("trees"))
            try makeDirectory(path("state"))
            if let address = source.bundle {
                try unpack(address, into: tree)
                log("unpacked bundle \(address) as commit \(source.commit)")
            } else if let repository = source.repository {
                let mirror = try fetch(source.commit, from: repository)
                try checkOut(source.commit, of: mirror, into: tree)
            }
            _ = FileManager.default.createFile(atPath: readyMarker(source.commit), contents: Data())
            evictIfNeeded()
            return tree
        }
    }

    /// The mirror holding `commit`, fetched into it when it is not there yet (once per commit).
    func fetch(_ commit: String, from repository: String) throws(TestfleetError) -> String {
        let mirror = path("git", String(SHA256.hex(Array(repository.utf8)).prefix(16)) + ".git")
        return try withLock("git:\(mirror)") { () throws(TestfleetError) -> String in
            if !FileManager.default.fileExists(atPath: mirror) {
                try makeDirectory(path("git"))
                let made = GitCommand.run(["init", "-q", "--bare", mirror])
                guard made.status == 0 else { throw .infrastructure("cannot create a git mirror in \(mirror): \(made.errorText)") }
            }
            _ = GitCommand.run(["--git-dir", mirror, "remote", "remove", "origin"])
            _ = GitCommand.run(["--git-dir", mirror, "remote", "add", "origin", repository])
            if hasCommit(commit, mirror) { return mirror }
            var fetched = GitCommand.run(["--git-dir", mirror, "fetch", "-q", "--no-tags", "origin", commit])
            if fetched.status != 0 || !hasCommit(commit, mirror) {
                // A server that refuses a bare SHA: every branch, then look again.
                fetched = GitCommand.run(["--git-dir", mirror, "fetch", "-q", "--no-tags", "origin", "+refs/heads/*:refs/heads/*"])
            }
            guard hasCommit(commit, mirror) else {
                throw .infrastructure("cannot fetch commit \(commit) from \(repository): \(fetched.errorText.isEmpty ? "the repository does not have it" : fetched.errorText)")
            }
            log("fetched commit \(commit) from \(repository)")
            return mirror
        }
    }

    private func hasCommit(_ commit: String, _ mirror: String) -> Bool {
        GitCommand.run(["--git-dir", mirror, "cat-file", "-e", "\(commit)^{commit}"]).status == 0
    }

    private func checkOut(_ commit: String, of mirror: String, into tree: String) throws(TestfleetError) {
        _ = GitCommand.run(["--git-dir", mirror, "worktree", "prune"])
        let added = GitCommand.run(["--git-dir", mirror, "worktree", "add", "-q", "--detach", "-f", tree, commit])
        guard added.status == 0 else { throw .infrastructure("cannot check out commit \(commit): \(added.errorText)") }
        let head = GitCommand.run(["rev-parse", "HEAD"], in: tree)
        let actual = String(decoding: head.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard actual == commit else {
            try? FileManager.default.removeItem(atPath: tree)
            throw .infrastructure("checkout of \(commit) has HEAD '\(actual)'; refusing to run tests in it")
        }
    }

    func makeDirectory(_ directory: String) throws(TestfleetError) {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw .infrastructure("cannot create \(directory) in the worker cache: \(error)")
        }
    }

    func touch(_ file: String) {
        try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: file)
    }
}
