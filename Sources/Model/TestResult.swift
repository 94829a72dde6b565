/// One attempt at one test, as a worker reports it and the store records it.
public struct TestResult: Sendable, Hashable {
    /// Test name, `classname::name` (a pytest node id for pytest runs).
    public var test: String
    /// 1 for the first run; retries count up.
    public var attempt: Int
    public var outcome: Outcome
    /// Wall time of the test in seconds.
    public var duration: Double
    /// The worker that ran it.
    public var worker: String
    public var arch: Arch
    /// The tail of the test's output, LZ4-compressed (empty when there was no output).
    public var compressedOutput: [UInt8]
    /// Size of `compressedOutput` once decompressed.
    public var outputSize: Int
    /// Bytes of output dropped from the front because the test printed more than the cap.
    public var outputDropped: Int
    /// The process it ran in and its position there; nil when the framework does not say
    /// (JUnit files, older workers).
    public var place: RunPlace?
    /// Seconds its setup spent making what its process makes once for all its tests (pytest's
    /// session-scoped fixtures), left out of `duration`: a test that happens to come first in
    /// its process is not slower for it. What a new process of its suite costs (see
    /// `Store.processSetupSeconds`). 0 where the framework does not say.
    public var sharedSetup: Double

    public init(
        test: String, attempt: Int, outcome: Outcome, duration: Double, worker: String, arch: Arch,
        compressedOutput: [UInt8] = [], outputSize: Int = 0, outputDropped: Int = 0, place: RunPlace? = nil,
        sharedSetup: Double = 0
    ) {
        self.test = test
        self.attempt = attempt
        self.outcome = outcome
        self.duration = duration
        self.worker = worker
        self.arch = arch
        self.compressedOutput = compressedOutput
        self.outputSize = outputSize
        self.outputDropped = outputDropped
        self.place = place
        self.sharedSetup = sharedSetup
    }
}
