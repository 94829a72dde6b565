public import Model

/// A build as the store holds it: its spec, state, verdict and timestamps (one row of the `build` table).
public struct StoredBuild: Sendable, Hashable {
    public var spec: BuildSpec
    public var simulated: Bool
    public var testCount: Int
    public var state: String
    public var verdict: String?
    public var createdAt: Double
    public var finishedAt: Double?
    public var source: String
    /// How a build ended without a verdict of its tests (nil: it did not, or is running).
    public var ended: Ending?
    public var endedReason: String?
    /// The `run --local` process driving it (nil: a coordinator service).
    public var owner: String?

    /// Ways a build ends without a verdict of its tests.
    public enum Ending: String, Sendable, Hashable {
        /// `testfleet cancel`, or its `submit` was interrupted.
        case cancelled
        /// The `run --local` that drove it died; a later run found it and let it go.
        case abandoned
        /// It cannot finish: no connected worker serves an arch its tests are pinned to.
        case aborted
    }

    public var isFinished: Bool { state == "finished" }
}
