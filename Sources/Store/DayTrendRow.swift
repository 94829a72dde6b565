/// One UTC day's build totals for trend graphs: the day's finished builds (`BuildTrendRow`)
/// folded into sums. Days still held raw are folded from their builds when asked for; days that
/// `prune` deleted were folded the same way when they were rolled up (`trend_day`), so a day
/// reads the same before and after its raw rows go.
public struct DayTrendRow: Sendable, Hashable {
    /// Days since 1970-01-01 UTC.
    public var day: Int
    /// Read from the day's rollup (its raw rows were pruned) rather than from its builds.
    public var rolledUp = false
    public var builds = 0
    public var simulatedBuilds = 0
    /// Sums over the day's builds of each build's figures (`BuildTrendRow`).
    public var tests = 0, passed = 0, failed = 0, skipped = 0, passedOnRetry = 0
    public var testSeconds = 0.0
    /// Builds with a wall time, and the sum of their wall times.
    public var timedBuilds = 0
    public var wallSeconds = 0.0

    public init(day: Int) { self.day = day }

    /// Adds one finished build.
    public mutating func add(_ build: BuildTrendRow) {
        var one = DayTrendRow(day: day)
        (one.builds, one.simulatedBuilds) = (1, build.simulated ? 1 : 0)
        (one.tests, one.passed, one.failed, one.skipped) = (build.tests, build.passed, build.failed, build.skipped)
        (one.passedOnRetry, one.testSeconds) = (build.passedOnRetry, build.testSeconds)
        (one.timedBuilds, one.wallSeconds) = build.wallSeconds.map { (1, $0) } ?? (0, 0)
        add(one)
    }

    /// Adds another row of the same day (the other branch class).
    public mutating func add(_ other: DayTrendRow) {
        builds += other.builds
        simulatedBuilds += other.simulatedBuilds
        tests += other.tests
        passed += other.passed
        failed += other.failed
        skipped += other.skipped
        passedOnRetry += other.passedOnRetry
        testSeconds += other.testSeconds
        timedBuilds += other.timedBuilds
        wallSeconds += other.wallSeconds
        rolledUp = rolledUp || other.rolledUp
    }

    /// Per-build means of the day (0 for a day without builds), what the daily graphs draw.
    public func perBuild(_ value: Int) -> Double { builds == 0 ? 0 : Double(value) / Double(builds) }
    public var meanWallSeconds: Double { timedBuilds == 0 ? .nan : wallSeconds / Double(timedBuilds) }
    public var meanTestSeconds: Double { builds == 0 ? 0 : testSeconds / Double(builds) }
    /// Percent of the day's test runs that passed on a retry.
    public var flakeRatePercent: Double { tests == 0 ? 0 : 100 * Double(passedOnRetry) / Double(tests) }
}
