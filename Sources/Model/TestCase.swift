/// One test to run in a build: its name, its suite, and (once planned) where it may run and how
/// long it is expected to take.
public struct TestCase: Sendable, Hashable {
    public var name: String
    /// Index into the build's suites.
    public var suite: Int
    /// Expected duration in seconds (from history, or the suite's fallback).
    public var predicted: Double
    /// When set, only a worker of this arch may run it (`every`-arch tests become one case per arch).
    public var arch: Arch?
    /// Position in the build's list of tests (lets a coordinator find a test's state without
    /// hashing its name).
    public var index: Int

    public init(name: String, suite: Int, predicted: Double = 0, arch: Arch? = nil, index: Int = 0) {
        self.name = name
        self.suite = suite
        self.predicted = predicted
        self.arch = arch
        self.index = index
    }
}
