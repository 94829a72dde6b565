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

    /// The contents of each path at `commit`, in order, read through one `git cat-file --batch`
    /// (one process, not one per file). A path that is not a file there reads as empty.
    public func contents(at commit: String, paths: [String]) throws(TestfleetError) -> [Data] {
        var request = Data()
        for path in paths { request.append(contentsOf: "\(commit):\(path)\n".utf8) }
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
