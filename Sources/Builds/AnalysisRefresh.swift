/// When finished builds refresh the flaky analysis's snapshot (see `SnapshotRefresh`), and how
/// much history a refresh reads.
public struct AnalysisRefresh: Sendable {
    /// Builds between refreshes (0: never).
    public var every: Int
    /// The newest builds a refresh reads at most (a whole production store would not fit in memory).
    public var window: Int
    /// The results a refresh reads at most: the window shrinks to this many results' worth of the
    /// newest builds (estimated from the newest build's test count), so a refresh costs the same
    /// at 2,000 tests as at 100,000 (≈ 1–2 s for 1 M results; `bench/run analysis`).
    public var resultBudget: Int
    /// Refresh on the finishing caller's thread, before `finish` returns, instead of on a
    /// background thread: for one-shot commands (`ingest junit`) that exit at once, whose store
    /// nothing else keeps current. The next gate then judges against figures at most `every`
    /// builds old, whichever path filled the store.
    public var inline: Bool

    public init(every: Int = 20, window: Int = 500, resultBudget: Int = 1_000_000, inline: Bool = false) {
        self.every = every
        self.window = window
        self.resultBudget = resultBudget
        self.inline = inline
    }

    /// The newest builds a refresh reads when the newest build ran `testsPerBuild` tests.
    public func builds(testsPerBuild: Int) -> Int {
        max(1, min(window, resultBudget / max(testsPerBuild, 1)))
    }
}
