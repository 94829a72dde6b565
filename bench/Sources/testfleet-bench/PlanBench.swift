// bench/run plan: plans a build of 1,000,000 tests — timing-model predictions from a synthetic
// history of 1,000,000 records, the pending queue, and every grant handed out to 64 simulated
// workers — and reports the wall time of each step and the process's peak memory (VmHWM).
// Selection (which tests a change affects) plus this plan is `bench/run select-plan`.
import Foundation
import Model
import Planning
import Selection

enum PlanBench {
    struct Options {
        var tests = 1_000_000
        var workers = 64
        var repeats = 3
        /// Share of the planned tests that have no history (new tests: file or suite medians).
        var newShare = 0.01
        /// Whether the history comes in an order unrelated to the test list (the worst case for
        /// memory locality); by default both are in name order, as a store and a collector give them.
        var shuffleHistory = false

        init(_ arguments: [String]) throws {
            var rest = arguments[...]
            while let flag = rest.popFirst() {
                if flag == "--shuffle-history" {
                    shuffleHistory = true
                    continue
                }
                guard let value = rest.popFirst(), let number = Double(value), number >= 0 else {
                    throw TestfleetError.badInput("plan: \(flag) needs a non-negative number")
                }
                switch flag {
                case "--tests": tests = max(1, Int(number))
                case "--workers": workers = max(1, Int(number))
                case "--repeats": repeats = max(1, Int(number))
                case "--new-share": newShare = min(number, 1)
                default: throw TestfleetError.badInput("plan: unknown option \(flag); known: --tests N --workers N --repeats N --new-share F --shuffle-history")
                }
            }
        }
    }

    /// A synthetic test name: 100 tests per file, 100 files per package, like a large pytest tree.
    static func name(_ index: Int) -> String {
        "tests/pkg\(index / 10_000)/test_mod\((index / 100) % 100).py::test_case_\(index % 100)"
    }

    /// SYNTHETIC history: one record per known test on x86_64, EWMA lognormal (median 0.2 s, σ 2),
    /// p90 a seeded 1–2× the EWMA, 1–50 samples.
    static func syntheticHistory(known: Int) -> [TimingRecord] {
        (0..<known).map { index in
            let i = UInt64(index)
            let ewma = 0.2 * exp(2 * SeededRandom.normal(seed: 11, index: i, stream: 1))
            let spread = 1 + SeededRandom.unit(seed: 11, index: i, stream: 2)
            let samples = 1 + Int(SeededRandom.bits(seed: 11, index: i, stream: 3) % 50)
            return TimingRecord(test: name(index), arch: .x86_64, ewma: ewma, p90: ewma * spread, samples: samples)
        }
    }

    struct Timings {
        var model = 0.0, predict = 0.0, queue = 0.0, grant = 0.0
        var total: Double { model + predict + queue + grant }
        /// A build's plan when the coordinator already holds the model in memory.
        var perBuild: Double { predict + queue + grant }
        /// CPU seconds this thread spent over the same steps: on a shared, loaded machine the wall
        /// time also counts time spent waiting for a core.
        var cpu = 0.0
        var grants = 0
    }

    static func threadCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }

    /// One full plan: model from history, predictions, queue, and grants until the queue is empty
    /// (workers "finish" at their grants' predicted times, so the order of asking is realistic).
    static func planOnce(history: [TimingRecord], names: [String], workers: Int) -> Timings {
        var timings = Timings()
        let cpuStart = threadCPUSeconds()
        let clock = ContinuousClock()
        var start = clock.now
        func lap() -> Double {
            let now = clock.now
            defer { start = now }
            let elapsed = now - start
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }
        let model = TimingModel(records: history)
        timings.model = lap()
        var tests: [TestCase] = []
        tests.reserveCapacity(names.count)
        for (index, name) in names.enumerated() { tests.append(TestCase(name: name, suite: 0, index: index)) }
        model.assignPredictions(to: &tests, anyArchAs: .x86_64)
        timings.predict = lap()
        var queue = PendingQueue()
        queue.add(tests)
        timings.queue = lap()
        let strategy = GuidedScheduling()
        var freeAt = Array(repeating: 0.0, count: workers)
        var handedOut = 0
        while !queue.isEmpty {
            let worker = freeAt.indices.min { freeAt[$0] < freeAt[$1] }!
            let grant = strategy.nextGrant(from: &queue, arch: .x86_64, workers: workers, grantCost: 0.501)
            freeAt[worker] += 0.501 + grant.reduce(0) { $0 + $1.predicted }
            handedOut += grant.count
            timings.grants += 1
        }
        timings.grant = lap()
        timings.cpu = threadCPUSeconds() - cpuStart
        tests = []
        precondition(handedOut == names.count, "plan handed out \(handedOut) of \(names.count) tests")
        return timings
    }

    /// Peak resident set size so far, from /proc/self/status (Linux), in bytes.
    static func peakResidentBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kilobytes * 1024
    }

    static func run(_ arguments: [String]) throws {
        let options = try Options(arguments)
        let known = options.tests - Int(Double(options.tests) * options.newShare)
        print("plan: \(options.tests) tests (\(options.tests - known) without history), SYNTHETIC history of \(known) records, \(options.workers) simulated workers")
        var history = syntheticHistory(known: known)
        if options.shuffleHistory {
            // A seeded Fisher–Yates shuffle, so runs are repeatable.
            for index in stride(from: history.count - 1, to: 0, by: -1) {
                let other = Int(SeededRandom.bits(seed: 5, index: UInt64(index), stream: 9) % UInt64(index + 1))
                history.swapAt(index, other)
            }
            print("  history shuffled: its order is unrelated to the test list's")
        }
        // The planned tests: the known ones plus new tests in existing files (every 100th file
        // gains one) and, past that, in new files.
        var names = (0..<known).map(name)
        names.reserveCapacity(options.tests)
        for extra in 0..<(options.tests - known) { names.append(name(known + extra)) }
        print("  (history and test list generated; not timed: they stand for the store and the selection)")
        var runs: [Timings] = []
        for run in 1...options.repeats {
            let t = planOnce(history: history, names: names, workers: options.workers)
            runs.append(t)
            print(String(format: "  run %d: model %.3f s, predict %.3f s, queue %.3f s, grants %.3f s (%d grants) = %.3f s wall, %.3f s CPU",
                         run, t.model, t.predict, t.queue, t.grant, t.grants, t.total, t.cpu))
        }
        let sorted = runs.sorted { $0.total < $1.total }
        let median = sorted[sorted.count / 2]
        let perBuild = runs.map(\.perBuild).sorted()[runs.count / 2]
        let peak = peakResidentBytes()
        let peakMiB = peak.map { Double($0) / 1_048_576 } ?? .nan
        let loadAverage = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "?"
        print(String(format: "median plan time %.3f s wall, %.3f s CPU (target ≤ 1 s): %@; 1-min load average %@ on 2 cores",
                     median.total, median.cpu, (median.total <= 1 ? "met" : "NOT met") as NSString, loadAverage as NSString))
        print(String(format: "median per-build plan with the model already in memory (predict + queue + grants): %.3f s wall", perBuild))
        print(String(format: "peak memory (VmHWM, whole process incl. synthetic history) %.0f MiB (target ≤ 1024 MiB): %@",
                     peakMiB, (peakMiB <= 1024 ? "met" : "NOT met") as NSString))
        let summary: [String: Any] = [
            "benchmark": "plan", "tests": options.tests, "history_records": known, "synthetic": true, "workers": options.workers,
            "median_total_s": median.total, "median_per_build_s": perBuild, "shuffled_history": options.shuffleHistory, "median_cpu_s": median.cpu, "load_average_1min": loadAverage, "median_model_s": median.model, "median_predict_s": median.predict,
            "median_queue_s": median.queue, "median_grant_s": median.grant, "grants": median.grants,
            "runs_total_s": runs.map(\.total), "peak_rss_mib": peakMiB,
        ]
        let data = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
