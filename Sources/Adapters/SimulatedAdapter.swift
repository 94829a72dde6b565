#if canImport(Glibc)
import Glibc
#endif
public import Model

/// The **simulated** adapter: runs `sim::tNNNNNN` tests of a `sim:` suite (benchmarks and demos;
/// they test no code). A test sleeps its declared duration, fails on every attempt when the seed
/// says so, and when flaky fails with probability 1/2 per attempt from a real random draw (so
/// retries behave like real flakes). Output is one line, and only on failure.
///
/// Reported durations are the declared ones, so timing history learns the suite's numbers rather
/// than scheduler noise. For `ms=0` the per-test cost is a name parse and the result itself.
public struct SimulatedAdapter: TestAdapter {
    public init() {}

    /// No process at all: only the messages of a grant.
    public var grantCost: Double { 0.000_2 }

    public func inventory(of suite: SuiteDefinition) throws -> [String] {
        guard let simulated = suite.simulated else {
            throw TestfleetError.badInput("suite '\(suite.name)' has no simulated spec; use --suite sim:COUNT")
        }
        return simulated.names
    }

    public func run(_ tests: [String], of suite: SuiteDefinition, attempt: Int, report: (AdapterResult) -> Void) {
        guard let simulated = suite.simulated else {
            for name in tests {
                report(AdapterResult(name: name, outcome: .error, duration: 0,
                                     output: Array("[testfleet] not a simulated suite\n".utf8)))
            }
            return
        }
        for name in tests {
            guard let index = SimulatedSuite.index(of: name), index >= 0, index < simulated.count else {
                report(AdapterResult(
                    name: name, outcome: .error, duration: 0,
                    output: Array("[testfleet] '\(name)' is not a test of simulated suite \(simulated.spec)\n".utf8)))
                continue
            }
            let duration = simulated.duration(of: index)
            if duration > 0 { Self.sleep(seconds: duration) }
            let fails = simulated.alwaysFails(index) || (simulated.isFlaky(index) && Bool.random())
            if fails {
                let kind = simulated.alwaysFails(index) ? "seeded failure" : "flaky failure, attempt \(attempt)"
                report(AdapterResult(
                    name: name, outcome: .failed, duration: duration,
                    output: Array("simulated failure of \(name) (\(kind))\n".utf8)))
            } else {
                report(AdapterResult(name: name, outcome: .passed, duration: duration))
            }
        }
    }

    private static func sleep(seconds: Double) {
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
