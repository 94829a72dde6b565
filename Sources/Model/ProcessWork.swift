/// What one build's first attempts of a suite file cost, over the tests it shares with another
/// build: the seconds its tests took and how many test processes ran them (`RunPlace.process`).
/// Two builds that ran the same tests in different numbers of processes show what a process
/// adds to its tests' own time (`ProcessStartCost` in Planning).
public struct ProcessWork: Sendable, Hashable {
    /// The first attempts counted (the tests both builds ran).
    public var tests: Int
    /// Their summed durations.
    public var seconds: Double
    /// The distinct processes they ran in.
    public var processes: Int

    public init(tests: Int, seconds: Double, processes: Int) {
        self.tests = tests
        self.seconds = seconds
        self.processes = processes
    }
}
