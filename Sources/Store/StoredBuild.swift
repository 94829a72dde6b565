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

    public var isFinished: Bool { state == "finished" }
}
