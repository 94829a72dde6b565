/// The result of one attempt at one test, in the vocabulary shared by pytest, JUnit and go test.
public enum Outcome: String, Sendable, Codable, CaseIterable, Hashable {
    case passed
    case failed
    /// The test could not run properly (a fixture or collection error, a crash, a timeout).
    case error
    case skipped
    /// An expected failure that failed (pytest `xfail`): not a failure of the build.
    case xfailed
    /// An expected failure that passed (pytest `xpass`, non-strict): not a failure of the build.
    case xpassed

    /// Whether this outcome blocks a build when it is the test's final attempt.
    public var isFailure: Bool { self == .failed || self == .error }

    /// Whether this outcome counts as a pass in the verdict's counts.
    public var countsAsPassed: Bool { self == .passed || self == .xpassed || self == .xfailed }

    /// A one-byte code for the wire; stable across versions (new cases get new codes).
    public var code: UInt8 {
        switch self {
        case .passed: 0
        case .failed: 1
        case .error: 2
        case .skipped: 3
        case .xfailed: 4
        case .xpassed: 5
        }
    }

    /// The outcome for a wire code; unknown codes from newer peers read as `.error` so they never
    /// turn into a silent pass.
    public init(code: UInt8) {
        switch code {
        case 0: self = .passed
        case 1: self = .failed
        case 3: self = .skipped
        case 4: self = .xfailed
        case 5: self = .xpassed
        default: self = .error
        }
    }
}
