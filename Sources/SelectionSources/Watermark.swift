public import Model

/// The high-watermark check of a build: the rules name a file (`[rules] high_watermark`) that
/// someone changes when every open change must be rebased (a schema break, a toolchain bump).
/// A build whose base does not contain the newest commit that changed that file, among the
/// commits reachable from head, is refused with "rebase required" before any test runs.
///
/// "Older" is judged by ancestry, not dates: the base is fine when that commit is an
/// ancestor of the base or the base itself. This is safety first: a base on a diverged line
/// (neither ancestor nor descendant) lacks the change too, so it is refused as well. A change
/// that itself edits the watermark file is judged like any other (its base lacks its own edit),
/// so the watermark is meant to be bumped by a commit on the main line.
public struct Watermark: Sendable, Hashable {
    /// The watermark file, repository-relative.
    public var path: String
    /// The resolved base commit.
    public var base: String
    /// The newest commit reachable from head that changed `path`.
    public var changedBy: String
    /// Whether the base lacks `changedBy`.
    public var rebaseRequired: Bool

    /// The gate reason, when the build must rebase.
    public var reason: String? {
        guard rebaseRequired else { return nil }
        return "rebase required: base \(base) is older than \(changedBy) which changed \(path)"
    }

    /// Checks `base` against the newest change to `path` reachable from `head` (both full commit
    /// ids). Nil when no commit reachable from head ever changed the file.
    public static func check(_ repository: GitRepository, path: String, base: String, head: String) throws(TestfleetError)
        -> Watermark?
    {
        // Not --follow: the watermark is one fixed path, and a rename of it is a change of it.
        let log = try repository.git(["log", "-1", "--format=%H", head, "--", path])
        guard log.status == 0 else {
            throw TestfleetError.badInput("git log \(head) -- \(path) failed: \(log.standardError.trimmed)")
        }
        let newest = String(decoding: log.standardOutput, as: UTF8.self).trimmed
        guard !newest.isEmpty else { return nil }
        let ancestry = try repository.git(["merge-base", "--is-ancestor", newest, base])
        // 0: ancestor or equal; 1: not; anything else is git failing.
        guard ancestry.status == 0 || ancestry.status == 1 else {
            throw TestfleetError.badInput("git merge-base --is-ancestor \(newest) \(base) failed: \(ancestry.standardError.trimmed)")
        }
        return Watermark(path: path, base: base, changedBy: newest, rebaseRequired: ancestry.status == 1)
    }
}
