public import Model

/// One build as the analyser sees it: where it sits in build and commit order, and its verdict.
public struct HistoryBuild: Sendable, Hashable {
    /// Position in `AttemptHistory.builds` (build order: oldest first).
    public var index: Int32
    /// The build's id as the store and the CLI know it.
    public var id: String
    /// Position of the build's (head) commit in commit order, oldest first.
    public var commit: Int32
    /// The commit's SHA (or any label the user gave with `--commit`).
    public var sha: String
    public var branch: String
    /// Position of the base commit in commit order when the build was a merge/PR build.
    public var baseCommit: Int32?
    /// The gate's decision when it was taken (nil while the build runs or was never gated).
    public var verdict: Verdict.Decision?
    /// The gate suspected an infrastructure outage when it judged this build (stored with the
    /// verdict; a full analysis finds outages itself, the incremental gate relies on this).
    public var outage: Bool

    public init(index: Int32, id: String, commit: Int32, sha: String, branch: String, baseCommit: Int32? = nil,
                verdict: Verdict.Decision? = nil, outage: Bool = false) {
        self.index = index
        self.id = id
        self.commit = commit
        self.sha = sha
        self.branch = branch
        self.baseCommit = baseCommit
        self.verdict = verdict
        self.outage = outage
    }
}
