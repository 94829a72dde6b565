import Model
public import Store

/// The glue between the store and the pure analyser: loading histories, people's quarantine
/// decisions and the suite-wide snapshot. The statistics stay in the store-free files.
extension AttemptHistory {
    /// Converts a stored history. Builds keep their creation order. Commits are ordered along the
    /// target branches (`targetBranches`): by git ancestry where a build carries its commit's
    /// first-parent position (`commitPosition`, set where the repository was at hand), else by the
    /// first of their target-branch builds (a re-run of an old commit keeps the old position; a
    /// commit without a position follows the newest positioned commit seen before it). Commits
    /// only side branches (PRs) ran come after all of them, so a PR that ran a commit before main
    /// did never decides where that commit sits on main. A build without a commit stands for a
    /// commit of its own, labelled "(build ID)".
    public init(stored: StoredHistory, targetBranches: Set<String> = AnalyzerConfiguration.defaultTargetBranches) {
        var commitIDs: [String: Int32] = [:]
        var shas: [String] = []
        var builds: [HistoryBuild] = []
        builds.reserveCapacity(stored.builds.count)
        var buildCommits = [Int32](repeating: 0, count: stored.builds.count)
        func isTarget(_ build: StoredHistory.Build) -> Bool {
            build.branch.map { $0.isEmpty || targetBranches.contains($0) } ?? true
        }
        // Target commits: (ancestry position, first sight) sort keys; a commit seen without a
        // position takes the newest position seen before it, so it stays where it arrived.
        var keys: [(position: Int64, sight: Int)] = []
        var ancestry: Int64 = -1
        for build in stored.builds where isTarget(build) {
            let sha = build.commit ?? "(build \(build.id))"
            if let position = build.commitPosition { ancestry = max(ancestry, position) }
            if let id = commitIDs[sha] {
                // A commit first seen without a position learns it from a later build.
                if let position = build.commitPosition, keys[Int(id)].position != position {
                    keys[Int(id)].position = position
                }
                continue
            }
            commitIDs[sha] = Int32(shas.count)
            shas.append(sha)
            keys.append((build.commitPosition ?? ancestry, keys.count))
        }
        if keys.indices.dropFirst().contains(where: { (keys[$0 - 1].position, keys[$0 - 1].sight) > (keys[$0].position, keys[$0].sight) }) {
            let order = keys.indices.sorted { (keys[$0].position, keys[$0].sight) < (keys[$1].position, keys[$1].sight) }
            let sorted = order.map { shas[$0] }
            shas = sorted
            for (position, sha) in sorted.enumerated() { commitIDs[sha] = Int32(position) }
        }
        for build in stored.builds where !isTarget(build) {
            let sha = build.commit ?? "(build \(build.id))"
            if commitIDs[sha] == nil {
                commitIDs[sha] = Int32(shas.count)
                shas.append(sha)
            }
        }
        for (index, build) in stored.builds.enumerated() {
            let sha = build.commit ?? "(build \(build.id))"
            let commit = commitIDs[sha]!
            buildCommits[index] = commit
            builds.append(HistoryBuild(index: Int32(index), id: build.id, commit: commit, sha: sha, branch: build.branch ?? "",
                                      baseCommit: build.base.flatMap { commitIDs[$0] }, verdict: build.verdict,
                                      outage: build.outage))
        }
        var records: [AttemptRecord] = []
        records.reserveCapacity(stored.attempts.count)
        for attempt in stored.attempts {
            records.append(AttemptRecord(
                test: attempt.test, build: attempt.build, commit: buildCommits[Int(attempt.build)], worker: attempt.worker,
                duration: attempt.duration, attempt: attempt.attempt, outcome: attempt.outcome, arch: attempt.arch))
        }
        self.init(testNames: stored.testNames, workerNames: stored.workerNames, commitSHAs: shas, builds: builds,
                  records: records)
    }

    /// Loads the whole stored history, or only the attempts of `tests`.
    public static func load(from store: Store, tests: [String]? = nil) throws(StoreError) -> AttemptHistory {
        AttemptHistory(stored: try store.loadHistory(tests: tests))
    }
}

extension ManualQuarantine {
    /// People's decisions from the store, the newest per test (a release after an add in the same
    /// build must win, and the analyser's own tie-break by build cannot see the order), each
    /// stamped with the index of the newest build at the time (−1: before the first build).
    public static func load(from store: Store, builds: [StoredHistory.Build]) throws(StoreError) -> [ManualQuarantine] {
        var newest: [String: Int] = [:]
        let all = try store.quarantineEvents()
        for (position, event) in all.enumerated() { newest[event.test] = position }
        let events = newest.values.sorted().map { all[$0] }
        let seqs = builds.map(\.seq)
        return events.map { event in
            // The last build whose rowid is at most the event's stamp (builds are in rowid order).
            var low = 0, high = seqs.count
            while low < high {
                let mid = (low + high) / 2
                if seqs[mid] <= event.buildSeq { low = mid + 1 } else { high = mid }
            }
            return ManualQuarantine(test: event.test, quarantined: event.quarantined, atBuild: Int32(low - 1))
        }
    }
}

extension FlakyAnalyzer {
    /// Loads the whole store (or its newest `lastBuilds` builds), analyses it with people's
    /// quarantine decisions and the rollups of pruned days (`LongRangeRecord`), and saves the
    /// suite-wide figures so a later gate can re-judge a few tests without a full pass.
    /// `leavingOut`: a build whose attempts are not analysed (the build the gate is judging: see
    /// `AttemptHistory.leavingOut(build:)`). `findingOrderDependence: false` skips reading where
    /// attempts ran (`TestAnalysis.orderDependency` stays nil), for callers that report nothing.
    public static func analyze(store: Store, configuration: AnalyzerConfiguration = AnalyzerConfiguration(),
                               lastBuilds: Int? = nil, saveSnapshot: Bool = true,
                               leavingOut judged: String? = nil, findingOrderDependence: Bool = true) throws(StoreError)
        -> (history: AttemptHistory, analysis: FlakyAnalysis)
    {
        var stored = try store.loadHistory(lastBuilds: lastBuilds)
        let builds = stored.builds
        var history = AttemptHistory(stored: stored, targetBranches: configuration.targetBranches)
        if let judged { history = history.leavingOut(build: judged) }
        // The stored rows are let go of once converted, before the analysis allocates its own:
        // 20 bytes a result, 10 MB of a coordinator's refresh of 500 builds of 1,000 tests.
        stored = StoredHistory()
        let manual = try ManualQuarantine.load(from: store, builds: builds)
        // Pruned days are in no window of raw results: their rollups are the tests' older record.
        let longRange = LongRangeRecord.records(try store.allRollupTotals())
        var analysis = analyze(history, manual: manual, longRange: longRange, configuration: configuration)
        // Order dependence needs where each attempt ran, which only the store has (a table of
        // its own); the gate judging one build does not report it, so it skips the reads.
        if judged == nil && findingOrderDependence {
            for (test, dependency) in try configuration.orderDependence.dependencies(in: history, store: store) {
                analysis.tests[Int(test)].orderDependency = dependency
            }
        }
        // Readers beside a running coordinator (the dashboard) pass false: they never take the
        // store's write lock, which the coordinator's result writes need.
        guard saveSnapshot else { return (history, analysis) }
        try store.saveSnapshot(AnalysisSnapshot(
            priorAlpha: analysis.prior.alpha, priorBeta: analysis.prior.beta, ambientRate: analysis.ambientFailureRate,
            regressionRate: analysis.regressionRate, flagThreshold: analysis.flagThreshold,
            nextFlagBar: analysis.nextFlagBar, buildSeq: builds.last?.seq ?? 0))
        return (history, analysis)
    }

    /// A context for `reanalyze` from a saved snapshot (or cautious defaults when no full
    /// analysis ever ran): suite-wide figures without infrastructure flags.
    public static func context(snapshot: AnalysisSnapshot?, history: AttemptHistory, testCount: Int,
                               configuration: AnalyzerConfiguration = AnalyzerConfiguration()) -> FlakyAnalysis
    {
        let prior = snapshot.map { BetaBinomial(alpha: $0.priorAlpha, beta: $0.priorBeta) } ?? .weakPrior
        let builds = history.builds.count
        return FlakyAnalysis(
            tests: [], prior: prior, ambientFailureRate: snapshot?.ambientRate ?? 1e-4,
            regressionRate: snapshot?.regressionRate ?? 1e-4, flagThreshold: snapshot?.flagThreshold ?? -1,
            nextFlagBar: snapshot?.nextFlagBar ?? configuration.falseDiscoveryRate / Double(max(testCount, 1)),
            // Outages as the gate flagged them when each build finished (no whole-store pass here).
            infrastructure: InfrastructureEffects(outageBuilds: history.builds.map(\.outage),
                                                  buildFailureShare: [Double](repeating: 0, count: builds),
                                                  badWorkers: [], badCells: []),
            configuration: configuration, workerNames: history.workerNames, buildIDs: history.builds.map(\.id))
    }
}
