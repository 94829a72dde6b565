public import Model

/// Where a commit sits in git: the questions a build's place in history asks (its branch, its
/// merge-base with the branch it targets, its position on that branch's first-parent line).
extension GitRepository {
    /// The checked-out branch's short name (nil on a detached HEAD, as CI checkouts often are).
    public func currentBranch() -> String? {
        guard let output = try? git(["symbolic-ref", "--short", "-q", "HEAD"]), output.status == 0 else { return nil }
        let name = String(decoding: output.standardOutput, as: UTF8.self).trimmed
        return name.isEmpty ? nil : name
    }

    /// The commit `revision` names, or nil when it names none here (a SHA from another clone).
    public func resolve(_ revision: String) -> String? {
        guard let output = try? git(["rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"]),
              output.status == 0 else { return nil }
        let sha = String(decoding: output.standardOutput, as: UTF8.self).trimmed
        return sha.isEmpty ? nil : sha
    }

    /// How many commits the first-parent line ending at `commit` holds (`commit` included):
    /// along a branch's first-parent line, a later commit always has a larger count, whatever
    /// order its builds ran in, and a merged side branch's own commits are not on the line.
    public func firstParentPosition(of commit: String) -> Int? {
        guard let output = try? git(["rev-list", "--first-parent", "--count", commit, "--"]), output.status == 0 else {
            return nil
        }
        return Int(String(decoding: output.standardOutput, as: UTF8.self).trimmed)
    }

    /// The first of `branches` this checkout knows, remote-tracking refs (`origin/NAME`) before
    /// local ones: what a side branch's merge-base is taken with.
    public func targetRevision(among branches: [String]) -> String? {
        for branch in branches {
            for candidate in ["refs/remotes/origin/" + branch, "refs/heads/" + branch] where resolve(candidate) != nil {
                return candidate
            }
        }
        return nil
    }
}
