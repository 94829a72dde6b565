public import Analyzer
public import Model

/// What the dashboard serves besides the store: the coordinator's live figures, the write token,
/// and who to tell about a quarantine decision (the webhook notifier).
public struct DashboardConfiguration: Sendable {
    /// The coordinator's latest published figures (nil: no coordinator; `/metrics` answers 503).
    public var metrics: (@Sendable () -> FleetMetrics)?
    /// Whether the coordinator's loop still turns (nil: no coordinator, never ready).
    public var loopTurning: (@Sendable () -> Bool)?
    /// The bearer token writes need (nil: writes are refused with 403).
    public var token: String?
    /// Called after a quarantine add or release through the API.
    public var quarantineChanged: (@Sendable () -> Void)?
    /// The coordinator's shared flaky analysis (its refresher publishes it; nil: the dashboard
    /// makes its own when the store changed).
    public var analysis: SharedAnalysis?

    public init(metrics: (@Sendable () -> FleetMetrics)? = nil, loopTurning: (@Sendable () -> Bool)? = nil,
                token: String? = nil, quarantineChanged: (@Sendable () -> Void)? = nil, analysis: SharedAnalysis? = nil) {
        self.metrics = metrics
        self.loopTurning = loopTurning
        self.token = token
        self.quarantineChanged = quarantineChanged
        self.analysis = analysis
    }
}
