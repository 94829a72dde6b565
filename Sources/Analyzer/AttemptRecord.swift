public import Model

/// One stored attempt at one test, in the compact shape the analyser works on.
///
/// Strings are interned into `AttemptHistory`'s tables (`test`, `worker`) and builds and commits
/// are positions in that history's order, so a million records fit in 24 MB and the hot loops
/// compare integers, never strings.
public struct AttemptRecord: Sendable, Hashable {
    /// Index into `AttemptHistory.testNames`.
    public var test: Int32
    /// Index into `AttemptHistory.builds` (build order: oldest first).
    public var build: Int32
    /// Position of the build's commit in commit order (oldest first); equal values are one commit.
    public var commit: Int32
    /// Index into `AttemptHistory.workerNames`.
    public var worker: Int32
    /// Wall time of the attempt in seconds.
    public var duration: Float
    /// 1 for the first run; retries count up.
    public var attempt: UInt8
    public var outcome: Outcome
    public var arch: Arch

    public init(test: Int32, build: Int32, commit: Int32, worker: Int32, duration: Float, attempt: UInt8,
                outcome: Outcome, arch: Arch) {
        self.test = test
        self.build = build
        self.commit = commit
        self.worker = worker
        self.duration = duration
        self.attempt = attempt
        self.outcome = outcome
        self.arch = arch
    }

    /// Whether the attempt counts for flakiness at all: skips and expected failures say nothing.
    @inlinable
    public var isEvidence: Bool { outcome == .passed || outcome == .failed || outcome == .error }
}
