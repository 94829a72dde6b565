/// Where a test stands after analysis.
public enum TestState: String, Sendable, Codable, Hashable, CaseIterable {
    /// No evidence of flakiness beyond the fleet's ambient noise.
    case stable
    /// Flagged flaky (at the false-discovery rate) and not in quarantine.
    case flaky
    /// Fails every attempt since a commit (on every arch, or on `TestAnalysis.arch` only).
    case broken
    /// In quarantine: its failures are recorded but do not block the gate.
    case quarantined
    /// Was broken or quarantined, and has since passed consistently.
    case fixed
}

/// Why a test is in quarantine.
public enum QuarantineReason: String, Sendable, Codable, Hashable {
    /// Flagged flaky and not yet released by clean runs.
    case automatic
    /// Put there by a person (`testfleet quarantine add`).
    case manual
    /// Passed on a retry (or passed and failed on one commit) outside infrastructure failures, but not (yet)
    /// flagged at the false-discovery rate: kept from blocking while evidence accumulates.
    case provisional
}

/// A person's quarantine decision, persisted by the store and handed to the analyser.
public struct ManualQuarantine: Sendable, Hashable {
    public var test: String
    /// true: quarantine the test; false: release it.
    public var quarantined: Bool
    /// Build index at which the decision was taken: a released test can re-enter quarantine
    /// automatically only on flaky failures after this build.
    public var atBuild: Int32

    public init(test: String, quarantined: Bool, atBuild: Int32) {
        self.test = test
        self.quarantined = quarantined
        self.atBuild = atBuild
    }
}
