/// When finished builds start a background flaky analysis (see `SnapshotRefresh`).
public struct AnalysisRefresh: Sendable {
    /// Builds between refreshes (0: never).
    public var every: Int
    /// The newest builds a refresh reads (a whole production store would not fit in memory).
    public var window: Int

    public init(every: Int = 20, window: Int = 500) {
        self.every = every
        self.window = window
    }
}
