/// How a coordinator hands out grants to workers with slots: how many grants a worker holds at
/// once, when a second grant per slot (a prefetch) is allowed, and how many shares a grant's
/// size is one of. One value type so the live coordinator and the fleet
/// simulation (`bench/run balance`) make the same decisions: a benchmark that models another
/// policy than the one that runs tells nothing.
public struct GrantPolicy: Sendable, Hashable {
    /// Grants a worker may hold per slot: one running, the rest prefetched so a slot never waits
    /// a round trip between grants.
    public var grantsPerSlot: Int
    /// Grants costing at least this many seconds (a framework process each) are not prefetched:
    /// a prefetched expensive grant would sit queued on one worker while another idles.
    public var prefetchCostLimit: Double

    public init(grantsPerSlot: Int = 2, prefetchCostLimit: Double = 0.05) {
        self.grantsPerSlot = max(1, grantsPerSlot)
        self.prefetchCostLimit = prefetchCostLimit
    }

    /// Grants a worker with `slots` slots holds at most.
    public func capacity(slots: Int) -> Int { max(1, slots) * grantsPerSlot }

    /// Whether a worker already running `running` grants may get another one of a build whose
    /// grants cost `grantCost` seconds each.
    public func mayGrant(running: Int, grantCost: Double) -> Bool {
        running == 0 || grantCost < prefetchCostLimit
    }

    /// How many grants a build's next grant is sized as one share of: as many as the fleet holds
    /// at once — every slot online (at least the workers known to be on their way, one slot
    /// each, as `run --local` starts them), times the grants a slot holds (one running, one
    /// prefetched, unless grants are too expensive to prefetch).
    ///
    /// Sizing by workers made each grant four times too big on 2-slot workers with prefetch,
    /// and the first worker served took half of a build into its four grants (issue 12: 16.0 s
    /// where the bound was 10.0 s). Sizing by slots alone still left 1.6–5.9 % on the table in
    /// `bench/run balance --simulate-only`: a prefetched grant waits behind a running one, so
    /// both count.
    ///
    /// `guessed`: the build's predictions are a guess (a suite's first build: every test alike,
    /// `typicalTestSeconds`), and each grant is one of `guessedSplit` times as many shares.
    public func shares(slotsOnline: Int, expectedWorkers: Int, grantCost: Double, guessed: Bool = false) -> Int {
        let perSlot = mayGrant(running: 1, grantCost: grantCost) ? grantsPerSlot : 1
        return max(slotsOnline, expectedWorkers, 1) * perSlot * (guessed ? Self.guessedSplit : 1)
    }

    /// How many times smaller a grant is while predictions are a guess. Why: guessed alike,
    /// the first grants' real work differs by as much as the suite's files do, and a grant
    /// already running cannot be split at its head. xmlschema 3.4.3's first build gave one
    /// worker a quarter of the predicted work in one grant, which held its three slowest files:
    /// 12.2 s of the build's 19.4 s of tests, and the build took 13.2 s against `pytest -n 2`'s
    /// 12.7 s. pytest-xdist's first batch is a quarter of the tests dealt out among the workers
    /// (1/8 each for two), which this matches.
    public static let guessedSplit = 2
}
