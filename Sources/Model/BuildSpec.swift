/// What a build is: an id, the suite to run, where in history it sits, and how many times a
/// failing test may run.
public struct BuildSpec: Sendable, Hashable {
    public var id: String
    /// The suite spec as the user gave it (`sim:…` or a path to a suite file).
    public var suite: String
    public var commit: String?
    public var branch: String?
    public var base: String?
    public var head: String?
    /// Attempts per test, counting the first run (1 = no retries).
    public var maxAttempts: Int

    public init(id: String, suite: String, commit: String? = nil, branch: String? = nil, base: String? = nil,
                head: String? = nil, maxAttempts: Int = 1) {
        self.id = id
        self.suite = suite
        self.commit = commit
        self.branch = branch
        self.base = base
        self.head = head
        self.maxAttempts = maxAttempts
    }

    /// True for `sim:` suites.
    public var isSimulated: Bool { suite.hasPrefix("sim:") }
}
