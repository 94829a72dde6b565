public import Model

/// What a test process adds to its tests' own time, and whether a suite should then keep its
/// collection order whole. Some suites build something the first time a test needs it and keep it
/// for the process (emoji 2.14.0 builds its per-language name tables lazily: 6–10 s): the first
/// test of each process to need it pays for it. Sending long tests ahead, each in a process of its
/// own (`CollectionOrder`), then pays it once per such process, and the warm session pays it again
/// in whichever of its tests needs it next: emoji's later builds summed 43 s of test time against
/// 25 s in order and took 22–29 s against 12.4 s in order (serial pytest 15.1 s).
///
/// The evidence is two builds of the same tests run in different numbers of processes
/// (`ProcessWork`): the extra seconds over the extra processes. A suite whose processes cost
/// `significantSeconds` each and made the build with more of them `significantShare` dearer
/// keeps its order; load on a shared machine moves a build's summed time by less than that.
public enum ProcessStartCost {
    /// A process dearer than this (seconds) is worth keeping out of.
    public static let significantSeconds = 0.5
    /// ... when the build with more processes took this share more of its tests' time.
    public static let significantShare = 0.2

    /// The seconds each extra process added to the tests' time between `a` and `b` (builds of
    /// the same tests); nil when they ran in as many processes.
    public static func perProcess(_ a: ProcessWork, _ b: ProcessWork) -> Double? {
        guard a.processes != b.processes, a.tests > 0, a.tests == b.tests else { return nil }
        return (a.seconds - b.seconds) / Double(a.processes - b.processes)
    }

    /// Whether the suite's tests stay in their collection order, none sent ahead alone.
    public static func keepsOrder(_ a: ProcessWork, _ b: ProcessWork) -> Bool {
        guard let cost = perProcess(a, b), cost >= significantSeconds else { return false }
        let (fewer, more) = a.processes < b.processes ? (a, b) : (b, a)
        return more.seconds >= fewer.seconds * (1 + significantShare)
    }
}
