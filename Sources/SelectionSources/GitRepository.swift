public import Foundation
public import Model
public import Selection

/// The few git questions impact selection asks, answered by running `git`.
public struct GitRepository: Sendable {
    /// Absolute path of the work tree's top level.
    public let root: String

    /// The repository containing `directory`.
    public init(containing directory: String) throws(TestfleetError) {
        let output = try CommandRunner.run(["git", "rev-parse", "--show-toplevel"], in: directory)
        guard output.status == 0 else {
            throw TestfleetError.badInput(
                "'\(directory)' is not inside a git repository (git rev-parse: \(output.standardError.trimmed)); "
                    + "run testfleet select in a clone or pass --root")
        }
        root = String(decoding: output.standardOutput, as: UTF8.self).trimmed
    }

    /// The commit `revision` names. A missing revision is the user's to fix: usually a shallow
    /// clone or a branch that was never fetched.
    public func commit(_ revision: String) throws(TestfleetError) -> String {
        let output = try git(["rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"])
        guard output.status == 0 else {
            throw TestfleetError.badInput(
                "revision '\(revision)' is not a commit in \(root); fetch it first "
                    + "(git fetch origin \(revision), or git fetch --unshallow in a shallow clone)")
        }
        return String(decoding: output.standardOutput, as: UTF8.self).trimmed
    }

    /// The absolute path of the repository's git directory (where testfleet keeps its scan cache).
    public func gitDirectory() throws(TestfleetError) -> String {
        // The common case without a process: a `.git` directory at the top (a worktree or a
        // submodule has a `.git` file instead, and git answers).
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: root + "/.git", isDirectory: &isDirectory), isDirectory.boolValue {
            return root + "/.git"
        }
        let output = try git(["rev-parse", "--absolute-git-dir"])
        guard output.status == 0 else { throw TestfleetError.badInput("git rev-parse --absolute-git-dir failed in \(root)") }
        return String(decoding: output.standardOutput, as: UTF8.self).trimmed
    }

    /// The best common ancestor of two commits, nil when their histories are unrelated.
    public func mergeBase(_ first: String, _ second: String) throws(TestfleetError) -> String? {
        let output = try git(["merge-base", first, second])
        guard output.status == 0 else { return nil }
        return String(decoding: output.standardOutput, as: UTF8.self).trimmed
    }

    /// Paths changed from `from` to `to`, with rename detection (`git diff --name-status -M`).
    public func changedPaths(from: String, to: String) throws(TestfleetError) -> [ChangedPath] {
        let output = try git(["diff", "--name-status", "-z", "-M", "--no-ext-diff", "--no-textconv", from, to, "--"])
        guard output.status == 0 else {
            throw TestfleetError.badInput("git diff \(from) \(to) failed: \(output.standardError.trimmed)")
        }
        return try ChangedPath.parseNameStatus(String(decoding: output.standardOutput, as: UTF8.self))
    }

    /// Repository-relative paths of the files in `commit` under `directory` ("" for all).
    public func files(at commit: String, under directory: String) throws(TestfleetError) -> [String] {
        var arguments = ["ls-tree", "-r", "-z", "--name-only", commit]
        if !directory.isEmpty { arguments += ["--", directory] }
        let output = try git(arguments)
        guard output.status == 0 else {
            throw TestfleetError.badInput("git ls-tree \(commit) failed: \(output.standardError.trimmed)")
        }
        return output.standardOutput.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Repository-relative paths and blob ids of the files in `commit` under `directory` ("" for
    /// all); submodules (commits, not blobs) are left out.
    public func blobs(at commit: String, under directory: String) throws(TestfleetError) -> [(path: String, blob: String)] {
        try blobIDs(at: commit, under: directory, dropping: 0).map { ($0.path, $0.blob.description) }
    }

    /// `blobs(at:under:)` with ids as numbers and the first `dropping` bytes of each path left
    /// out (the directory's own prefix).
    func blobIDs(at commit: String, under directory: String, dropping: Int) throws(TestfleetError)
        -> [(path: String, blob: GitObjectID)]
    {
        var arguments = ["ls-tree", "-r", "-z", "--full-tree", commit]
        if !directory.isEmpty { arguments += ["--", directory] }
        let output = try git(arguments)
        guard output.status == 0 else {
            throw TestfleetError.badInput("git ls-tree \(commit) failed: \(output.standardError.trimmed)")
        }
        // Records `<mode> blob <id>\t<path>\0`, read in place (a mono-repo lists 30,000 of them).
        return output.standardOutput.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var result: [(path: String, blob: GitObjectID)] = []
            var start = 0
            while start < bytes.count {
                var end = start
                var spaces = (-1, -1)
                var tab = -1
                while end < bytes.count, bytes[end] != 0 {
                    if tab < 0 {
                        if bytes[end] == UInt8(ascii: " ") {
                            if spaces.0 < 0 { spaces.0 = end } else if spaces.1 < 0 { spaces.1 = end } else { spaces = (-2, -2) }
                        } else if bytes[end] == UInt8(ascii: "\t") {
                            tab = end
                        }
                    }
                    end += 1
                }
                defer { start = end + 1 }
                guard tab > 0, spaces.0 >= 0, spaces.1 >= 0,
                    UnsafeBufferPointer(rebasing: bytes[(spaces.0 + 1)..<spaces.1]).elementsEqual("blob".utf8),
                    tab + 1 + dropping <= end,
                    let blob = GitObjectID(hex: UnsafeBufferPointer(rebasing: bytes[(spaces.1 + 1)..<tab]))
                else { continue }
                result.append((String(decoding: UnsafeBufferPointer(rebasing: bytes[(tab + 1 + dropping)..<end]), as: UTF8.self), blob))
            }
            return result
        }
    }

    /// The contents of each path at `commit`, in order, read through one `git cat-file --batch`
    /// (one process, not one per file). A path that is not a file there reads as empty.
    public func contents(at commit: String, paths: [String]) throws(TestfleetError) -> [Data] {
        try contents(objects: paths.map { "\(commit):\($0)" })
    }

    /// The contents of each object (a blob id or `commit:path`), in order; empty for one that is
    /// missing or not a blob.
    public func contents(objects: [String]) throws(TestfleetError) -> [Data] {
        let paths = objects
        var request = Data()
        for object in objects { request.append(contentsOf: "\(object)\n".utf8) }
        let output = try git(["cat-file", "--batch"], input: request)
        guard output.status == 0 else {
            throw TestfleetError.badInput("git cat-file --batch failed: \(output.standardError.trimmed)")
        }
        let data = output.standardOutput
        var result: [Data] = []
        result.reserveCapacity(paths.count)
        var position = data.startIndex
        for _ in paths {
            guard let newline = data[position...].firstIndex(of: UInt8(ascii: "\n")) else { break }
            let header = String(decoding: data[position..<newline], as: UTF8.self)
            position = newline + 1
            let fields = header.split(separator: " ")
            guard fields.count == 3, let size = Int(fields[2]) else {
                result.append(Data())  // "<object> missing"
                continue
            }
            let end = min(position + size, data.endIndex)
            result.append(fields[1] == "blob" ? data[position..<end] : Data())
            position = min(end + 1, data.endIndex)  // the newline after the content
        }
        while result.count < paths.count { result.append(Data()) }
        return result
    }

    func git(_ arguments: [String], input: Data? = nil) throws(TestfleetError) -> CommandRunner.Output {
        try CommandRunner.run(["git", "-c", "core.quotepath=off"] + arguments, in: root, input: input)
    }
}

extension String {
    var trimmed: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}

extension GitRepository {
    /// The URL of remote `name` (nil when the checkout has no such remote).
    public func remoteURL(_ name: String = "origin") -> String? {
        guard let output = try? git(["remote", "get-url", name]), output.status == 0 else { return nil }
        let url = String(decoding: output.standardOutput, as: UTF8.self).trimmed
        return url.isEmpty ? nil : url
    }
}

extension GitRepository {
    /// Makes `commit` (a full SHA) present when it is not, fetching it from `origin`, else from
    /// `remote` (a URL or path): a shallow clone, as CI checks out, gets that commit alone
    /// (`--depth=1`, enough to diff its tree); a full one what leads to it. Best effort, and
    /// never a prompt for credentials or an endless wait on a stalled HTTP transfer: answers
    /// whether the commit is here afterwards.
    public func ensureCommit(_ commit: String, elseFrom remote: String?) -> Bool {
        if (try? self.commit(commit)) != nil { return true }
        guard let source = remoteURL() != nil ? "origin" : remote else { return false }
        let shallow = (try? git(["rev-parse", "--is-shallow-repository"])).map {
            String(decoding: $0.standardOutput, as: UTF8.self).trimmed == "true"
        } ?? false
        let fetch = ["-c", "core.askPass=true", "-c", "http.lowSpeedLimit=1000", "-c", "http.lowSpeedTime=20",
                     "fetch", "--quiet", "--no-tags"] + (shallow ? ["--depth=1"] : []) + ["--end-of-options", source, commit]
        guard let output = try? git(fetch), output.status == 0 else { return false }
        return (try? self.commit(commit)) != nil
    }
}
