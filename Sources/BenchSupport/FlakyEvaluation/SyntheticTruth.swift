/// Ground truth of one **synthetic** test: what the generator made it do.
public struct SyntheticTruth: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case stable
        /// Fails independently at a fixed rate.
        case flaky
        /// Fails at a high rate in a few bursts of builds, rarely otherwise.
        case bursty
        /// Fails at random, on aarch64 only.
        case aarch64Flaky = "aarch64-flaky"
        /// Fails when a polluting test ran before it on the same worker.
        case orderDependent = "order-dependent"
        /// Fails every attempt from commit `brokenFrom` until commit `fixedAt`.
        case broken
        /// Written broken: added at commit `brokenFrom` (not run before), fails every attempt
        /// until commit `fixedAt`, then at a flaky rate, as when a fix left it flaky. The tests a
        /// known break's rule (`TestCase.knownBreak`) applies to.
        case bornBroken = "born-broken"
    }

    public var kind: Kind
    /// Realised mean per-attempt failure probability over the attempts it had outside a broken
    /// window (flaky kinds).
    public var rate: Double
    /// Commit position of the break (broken only).
    public var brokenFrom: Int32?
    /// Commit position of the fix (nil: never fixed within the history).
    public var fixedAt: Int32?

    public var isFlaky: Bool { kind != .stable && kind != .broken }

    /// Whether a broken test fails every attempt at this commit position.
    public func isBroken(at commit: Int32) -> Bool {
        guard kind == .broken || kind == .bornBroken, let from = brokenFrom, commit >= from else { return false }
        return fixedAt.map { commit < $0 } ?? true
    }
}

/// Ground truth of one **synthetic** build.
public struct SyntheticBuildTruth: Sendable, Hashable {
    /// Most tests failed because the generator simulated an outage.
    public var outage: Bool
    /// Some broken test ran inside its broken window: the gate must block this build.
    public var realRegression: Bool
}
