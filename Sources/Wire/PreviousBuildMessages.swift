/// Client → coordinator: the suite's previous build, as the coordinator's store knows it.
/// `submit` asks before it sends a plan: of that build's failures, it finds in its checkout those
/// the change since that build's commit can affect (`PlannedBuild.affectedFailures`), which a
/// coordinator without a checkout cannot. Asking again is safe.
public struct PreviousBuildRequest: Sendable, Equatable {
    /// The suite as the build's spec names it (`BuildSpec.suite`).
    public var suite: String
    public init(suite: String) { self.suite = suite }

    func write(to w: inout WireWriter) { w.string(1, suite) }
    init(from r: inout WireReader) throws(WireError) {
        self.init(suite: "")
        while let (tag, f) = try r.next() {
            if tag == 1 { suite = r.string(f) }
        }
        guard !suite.isEmpty else { throw WireError("previous-build request without a suite") }
    }
}

/// Coordinator → client: the suite's newest finished build of its own (nil: none yet), its
/// commit, and the tests that failed every attempt there. No failures are listed past
/// `TestCase.neverPassedLookups` (planning looks none of a broader break's up).
public struct PreviousBuild: Sendable, Equatable {
    public var suite: String
    public var build: String?
    public var commit: String?
    public var failures: [String]

    public init(suite: String, build: String?, commit: String?, failures: [String]) {
        self.suite = suite
        self.build = build
        self.commit = commit
        self.failures = failures
    }

    func write(to w: inout WireWriter) {
        w.string(1, suite)
        if let build { w.string(2, build) }
        if let commit { w.string(3, commit) }
        for test in failures { w.string(4, test) }
    }
    init(from r: inout WireReader) throws(WireError) {
        self.init(suite: "", build: nil, commit: nil, failures: [])
        while let (tag, f) = try r.next() {
            switch tag {
            case 1: suite = r.string(f)
            case 2: build = r.string(f)
            case 3: commit = r.string(f)
            case 4: failures.append(r.string(f))
            default: break
            }
        }
    }
}
