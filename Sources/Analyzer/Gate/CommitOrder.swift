/// Pure functions over commit order: the latest green commit and the watermark rule.
public enum CommitOrder {
    /// The newest commit (highest commit position) on `branch` with a passing build, or nil.
    /// A commit counts as green when any of its builds passed: a re-run that passes after a
    /// flaky failure proves the code green.
    public static func latestGreen(_ builds: [BuildRecord], branch: String) -> BuildRecord? {
        var best: BuildRecord?
        for build in builds where build.branch == branch && build.verdict == .pass {
            if best == nil || build.commit > best!.commit || (build.commit == best!.commit && build.index > best!.index) {
                best = build
            }
        }
        return best
    }

    /// The watermark rule: a build whose base commit is older than the newest commit that changed
    /// the watermark file must rebase. Returns the gate's reason, or nil when the build is fine.
    ///
    /// - Parameters:
    ///   - base: commit position of the build's base (nil: not a PR build; the rule does not apply).
    ///   - watermarkChanges: commit positions of the commits that changed the watermark file.
    public static func rebaseRequired(base: Int32?, watermarkChanges: [Int32], commitSHAs: [String],
                                      watermarkPath: String) -> String?
    {
        guard let base, let newest = watermarkChanges.max(), base < newest else { return nil }
        func name(_ position: Int32) -> String {
            position >= 0 && Int(position) < commitSHAs.count ? commitSHAs[Int(position)] : "#\(position)"
        }
        return "rebase required: base commit \(name(base)) is older than \(name(newest)), the newest commit that changed \(watermarkPath); rebase onto \(name(newest)) or later"
    }
}
