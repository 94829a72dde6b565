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
    /// Confirmation runs for a test that failed all `maxAttempts` attempts, stopping at its first
    /// pass: a test failing every attempt blocks the deploy, and a few more runs tell a burst of
    /// flakiness (which passes now and then) from a real break (which never does).
    public var confirmAttempts: Int
    /// At most this many tests of one build get confirmation runs: past that the commit broke
    /// many tests, or the infrastructure did, and more runs would only cost time.
    public var confirmLimit: Int
    /// Where workers fetch `commit` from (a git URL or path); nil: the suites' directories are
    /// used as they are (a local run, or a fleet sharing one checkout).
    public var repository: String?
    /// The content address of a source bundle of `commit` that the submitter uploaded, for
    /// workers that cannot reach `repository` (`submit --bundle`).
    public var bundle: String?
    /// Which builds get workers first (higher first); nil: `defaultPriority(branch:)`.
    public var priority: Int?
    /// Where `commit` sits on its target branch's first-parent line (its number of first-parent
    /// ancestors plus one, `git rev-list --first-parent --count`), computed where the repository
    /// is at hand; nil elsewhere, and for a side branch's (a PR's) build. Commit order follows it.
    public var commitPosition: Int?

    public init(id: String, suite: String, commit: String? = nil, branch: String? = nil, base: String? = nil,
                head: String? = nil, maxAttempts: Int = 1, confirmAttempts: Int = 0, confirmLimit: Int = 10,
                repository: String? = nil, bundle: String? = nil) {
        self.id = id
        self.suite = suite
        self.commit = commit
        self.branch = branch
        self.base = base
        self.head = head
        self.maxAttempts = maxAttempts
        self.confirmAttempts = confirmAttempts
        self.confirmLimit = confirmLimit
        self.repository = repository
        self.bundle = bundle
    }

    /// Whether workers materialise the build's code (a commit from a repository or a bundle)
    /// rather than run in the suites' directories as given.
    public var hasWorkspace: Bool { commit != nil && (repository != nil || bundle != nil) }
    /// The priority the coordinator serves this build at: the given one, else the branch's.
    public var effectivePriority: Int { priority ?? Self.defaultPriority(branch: branch) }

    /// Main and release branches (10) before everything else, pull requests included (0): a
    /// build that gates a deploy should not wait behind a queue of PR builds.
    public static func defaultPriority(branch: String?) -> Int {
        guard let branch else { return 0 }
        let name = branch.hasPrefix("refs/heads/") ? String(branch.dropFirst("refs/heads/".count)) : branch
        return name == "main" || name == "master" || name.hasPrefix("release/") ? 10 : 0
    }

    /// Checks the limits the store holds builds to, naming the first one broken: a `submit` from
    /// an older or hand-written client is refused with this instead of a failed insert.
    public func validate() throws(TestfleetError) {
        guard (1...200).contains(id.count) else { throw TestfleetError.badInput("build id must be 1 to 200 characters, got \(id.count)") }
        guard (1...10).contains(maxAttempts) else { throw TestfleetError.badInput("attempts per test must be 1 to 10 (--retries 0 to 9), got \(maxAttempts)") }
        guard (0...20).contains(confirmAttempts) else { throw TestfleetError.badInput("confirmation runs must be 0 to 20, got \(confirmAttempts)") }
        guard confirmLimit >= 0 else { throw TestfleetError.badInput("the confirmation limit must be 0 or more, got \(confirmLimit)") }
    }

    /// True for `sim:` suites.
    public var isSimulated: Bool { suite.hasPrefix("sim:") }
}
