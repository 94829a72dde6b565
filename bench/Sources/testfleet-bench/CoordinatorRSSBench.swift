// bench/run coordinator-rss: the coordinator's resident memory over many sequential builds.
// Real processes: a release `testfleet coordinator` (fresh store, loopback TCP) and real
// `testfleet worker` processes; builds are SIMULATED (`sim:1000,seed=N`: no-op tests, nothing
// under test). After each verdict the bench reads VmRSS from /proc/PID/status. A finished build
// must leave the coordinator's memory, so past the first hundred builds (allocator and caches
// warm) the figure should stay flat.
import Foundation
import Wire

enum CoordinatorRSSBench {
    static func run(_ arguments: [String]) throws {
        var builds = 1000, tests = 1000, workers = 2, analysisWindow: Int?
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst(), let number = Int(value), number > 0 else {
                throw BenchFailure("coordinator-rss: \(flag) needs a positive whole number")
            }
            switch flag {
            case "--builds": builds = number
            case "--tests": tests = number
            case "--workers": workers = number
            case "--analysis-window": analysisWindow = number
            default: throw BenchFailure("coordinator-rss: unknown option \(flag); known: --builds N --tests N --workers N --analysis-window N")
            }
        }
        // The coordinator's background analysis reads its newest `--analysis-window` builds (500 by
        // default): until the store holds that many, its working set grows with the store.
        let fleet = try BenchFleet(extra: analysisWindow.map { ["--analysis-window", String($0)] } ?? [])
        defer { fleet.stop(keep: ProcessInfo.processInfo.environment["KEEP"] != nil) }
        for i in 1...workers { try fleet.addWorker(id: "w\(i)", slots: 1) }
        let client = try BenchClient(endpoint: fleet.endpoint)
        print("coordinator-rss: real coordinator + \(workers) real worker processes; \(builds) sequential SIMULATED builds of \(tests) no-op tests"
              + (analysisWindow.map { "; --analysis-window \($0)" } ?? ""))
        guard let initial = fleet.coordinatorRSS else { throw BenchFailure("coordinator exited at start (see its log)") }
        var rss: [Int] = []
        var seconds: [Double] = []
        let started = monotonicSeconds()
        for i in 1...builds {
            let (code, took) = try client.run(.simulated("rss-\(i)", "sim:\(tests),seed=\(i)"), timeout: 120)
            guard code == 0 else { throw BenchFailure("build rss-\(i) exited \(code)") }
            guard let now = fleet.coordinatorRSS else { throw BenchFailure("the coordinator died at build \(i)") }
            rss.append(now)
            seconds.append(took)
            if i == 1 || i % 100 == 0 {
                print(String(format: "  after build %4d: VmRSS %6.1f MB (build took %.3f s)", i, Double(now) / 1e6, took))
            }
        }
        let elapsed = monotonicSeconds() - started
        let warm = min(100, builds) - 1
        let afterWarm = rss[warm]
        let peakAfter = rss[warm...].max()!
        let last = rss.last!
        let growth = Double(peakAfter - afterWarm) / 1e6
        let growthLast = Double(last - afterWarm) / 1e6
        // The sample after build 100 alone is one moment (a refresh may be running or not): the
        // median of builds 81–100 is the settled level the "after the first 100" means,
        // and the goal holds only when the peak is within 20 MB of both.
        let settledSlice = rss[max(0, warm - 19)...warm].sorted()
        let settled = settledSlice[settledSlice.count / 2]
        let growthSettled = Double(peakAfter - settled) / 1e6
        let met = growth <= 20 && growthSettled <= 20
        print(String(format: "VmRSS: at start %.1f MB, after build 1 %.1f MB, after build %d %.1f MB, peak after it %.1f MB, at the end %.1f MB",
                     Double(initial) / 1e6, Double(rss[0]) / 1e6, warm + 1, Double(afterWarm) / 1e6, Double(peakAfter) / 1e6, Double(last) / 1e6))
        print(String(format: "growth after build %d: peak +%.1f MB (+%.1f MB over the median of builds %d-%d, %.1f MB), end %+.1f MB (goal: flat, <= +20 MB): %@; %d builds in %.0f s (median %.3f s each)",
                     warm + 1, growth, growthSettled, max(0, warm - 19) + 1, warm + 1, Double(settled) / 1e6, growthLast,
                     (met ? "met" : "NOT met") as NSString, builds, elapsed, seconds.sorted()[seconds.count / 2]))
        // Medians per hundred builds: the trend, without the transient peaks of a verdict or
        // an analysis refresh that happens to run when the sample is taken.
        let medians = stride(from: 0, to: rss.count, by: 100).map { start -> Double in
            let slice = rss[start..<min(start + 100, rss.count)].sorted()
            return Double(slice[slice.count / 2]) / 1e6
        }
        print("median VmRSS per hundred builds (MB): " + medians.map { String(format: "%.1f", $0) }.joined(separator: ", "))
        let medianGrowth = (medians.dropFirst().max() ?? medians[0]) - (medians.count > 1 ? medians[1] : medians[0])
        print(String(format: "growth of the median after the first two hundred: %+.1f MB", medianGrowth))
        let summary: [String: Any] = [
            "rss_median_per_100_mb": medians, "median_growth_after_200_mb": medianGrowth,
            "benchmark": "coordinator-rss", "simulated_tests": true, "builds": builds, "tests_per_build": tests, "workers": workers,
            "rss_start_mb": Double(initial) / 1e6, "rss_after_first_mb": Double(rss[0]) / 1e6,
            "rss_after_warm_mb": Double(afterWarm) / 1e6, "rss_peak_after_warm_mb": Double(peakAfter) / 1e6,
            "rss_end_mb": Double(last) / 1e6, "growth_after_warm_mb": growth, "goal_mb": 20, "met": met,
            "rss_settled_81_100_mb": Double(settled) / 1e6, "growth_over_settled_mb": growthSettled,
            "rss_every_100_mb": stride(from: 0, to: rss.count, by: 100).map { Double(rss[$0]) / 1e6 },
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]), as: UTF8.self))
    }
}
