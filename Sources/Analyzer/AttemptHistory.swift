public import Model

/// Everything the analyser reads: stored attempts plus the tables their integer ids point into.
///
/// The store fills it with one query (ordered by build, then attempt, ideally); the synthetic
/// history generator fills it directly. Records may come in any order: the analyser groups them
/// by test with a counting sort and orders each group itself.
public struct AttemptHistory: Sendable {
    /// Test names (`classname::name`), indexed by `AttemptRecord.test`.
    public var testNames: [String]
    /// Worker names, indexed by `AttemptRecord.worker`.
    public var workerNames: [String]
    /// Commit SHAs in commit order (oldest first), indexed by `AttemptRecord.commit`.
    public var commitSHAs: [String]
    /// Builds in build order (oldest first), indexed by `AttemptRecord.build`.
    public var builds: [HistoryBuild]
    public var records: [AttemptRecord]

    public init(testNames: [String], workerNames: [String], commitSHAs: [String], builds: [HistoryBuild],
                records: [AttemptRecord]) {
        self.testNames = testNames
        self.workerNames = workerNames
        self.commitSHAs = commitSHAs
        self.builds = builds
        self.records = records
    }

    /// Checks that every id in every record points into its table, so later loops can index
    /// without bounds worries turning into crashes on a bad store.
    public func validate() throws(TestfleetError) {
        let tests = Int32(testNames.count), workers = Int32(workerNames.count)
        let commits = Int32(commitSHAs.count), buildCount = Int32(builds.count)
        for (position, build) in builds.enumerated() where build.index != Int32(position) {
            throw TestfleetError.badInput("build '\(build.id)' has index \(build.index) but sits at position \(position); builds must be listed in index order")
        }
        for record in records {
            guard record.test >= 0, record.test < tests, record.worker >= 0, record.worker < workers,
                  record.commit >= 0, record.commit < commits, record.build >= 0, record.build < buildCount
            else {
                throw TestfleetError.badInput("attempt record \(record) points outside the history's tables (\(tests) tests, \(workers) workers, \(commits) commits, \(buildCount) builds); reload the history from the store")
            }
        }
    }

    /// Per build (by index): whether it ran on a side branch (a PR), not a target branch.
    public func sideBranchBuilds(_ configuration: AnalyzerConfiguration) -> [Bool] {
        builds.map { configuration.isSideBranch($0.branch) }
    }

    /// The commit SHA at a commit-order position, or nil when the position is out of range.
    public func sha(atCommit position: Int32) -> String? {
        position >= 0 && Int(position) < commitSHAs.count ? commitSHAs[Int(position)] : nil
    }
}

extension AttemptHistory {
    /// The same history without the attempts of build `id` (the build itself stays listed, so
    /// indices and commit order do not move): what was known *before* that build, which is what
    /// the gate must weigh the build's own failures against. Counted in, a build's failures
    /// would be their own evidence: three failures of a 2 %-flaky test read as an ongoing break
    /// (no longer quarantined), and a new break would lend itself a flaky record.
    public func leavingOut(build id: String) -> AttemptHistory {
        guard let index = builds.firstIndex(where: { $0.id == id }).map(Int32.init) else { return self }
        var copy = self
        copy.records.removeAll { $0.build == index }
        return copy
    }
}
