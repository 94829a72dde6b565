/// Of the previous build's failures, those the change since that build's commit can affect, as
/// `submit` found them in its checkout for a coordinator that has none. Known breaks among them
/// get every retry and confirmation run again (the known-break lapse): a fix that left a test
/// flaky then passes on a retry, as a new failure would.
public struct AffectedFailures: Sendable, Equatable {
    /// The previous build's commit, the one the change was measured from.
    public var since: String
    /// Test names (as planned: a per-arch copy by its copy's name).
    public var tests: [String]

    public init(since: String, tests: [String]) {
        self.since = since
        self.tests = tests
    }
}
