/// Pure functions over commit order: the latest green commit.
public enum CommitOrder {
    /// The newest commit (highest commit position) on `branch` with a passing build, or nil.
    /// A commit counts as green when any of its builds passed: a re-run that passes after a
    /// flaky failure proves the code green.
    public static func latestGreen(_ builds: [HistoryBuild], branch: String) -> HistoryBuild? {
        var best: HistoryBuild?
        for build in builds where build.branch == branch && build.verdict == .pass {
            if best == nil || build.commit > best!.commit || (build.commit == best!.commit && build.index > best!.index) {
                best = build
            }
        }
        return best
    }
}
