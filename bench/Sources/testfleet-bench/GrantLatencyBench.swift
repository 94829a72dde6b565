// bench/run grant-latency: how long a worker of a running build waits for its next grant while
// the coordinator stores and gates another build of 100,000 results and plans a third.
//
// Real processes: a release `testfleet coordinator` (fresh store, loopback TCP) and real
// `testfleet worker` processes running SIMULATED tests (sim: suites, no code under test). The
// measured worker is the bench's probe (ProbeWorker): it speaks the wire protocol and times,
// per lease, its results + `ready` → the grant replacing that lease. It "runs" a grant for 1 ms
// (`--per-test-ms` adds time per test, but the probe reads its socket only between grants, so
// that time would count as latency: leave it at 0 for this figure).
//
// Builds, all on one coordinator:
// - running-N: 5,000 SIMULATED tests pinned to the probe's arch (the other arch than this
//   machine's, so only the probe takes them); three of them unfinished at any time, a new one
//   submitted as one finishes, all along (the probe must always have work: a wait for a build
//   to be admitted is not a grant's latency);
// - gated-K: 100,000 SIMULATED no-op tests pinned to this machine's arch (the real workers run
//   them); once all are stored the coordinator gates them (gate, stored verdict, timing fold);
// - planned-K: `sim:1000000` submitted as gated-K's last result is stored, so the coordinator
//   plans a million tests (timing history of every build so far) while gating; cancelled as soon
//   as it is admitted.
// The first seconds, with only running-N, are the same-run baseline.
import Foundation
import Model
import Store
import Wire

enum GrantLatencyBench {
    struct Phase {
        var name: String
        var start: Double
        var end: Double
    }

    static func run(_ arguments: [String]) throws {
        var cycles = 3, workers = 2, gatedTests = 100_000, plannedTests = 1_000_000, baselineSeconds = 3.0, probeMs = 1.0
        var reserve = 3, runningTests = 5_000, perTestMs = 0.0
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst(), let number = Double(value), number >= 0 else {
                throw BenchFailure("grant-latency: \(flag) needs a number")
            }
            switch flag {
            case "--cycles": cycles = Int(number)
            case "--workers": workers = Int(number)
            case "--gated": gatedTests = Int(number)
            case "--planned": plannedTests = Int(number)
            case "--baseline-s": baselineSeconds = number
            case "--probe-ms": probeMs = number
            case "--reserve": reserve = max(1, Int(number))
            case "--per-test-ms": perTestMs = number
            case "--running-tests": runningTests = max(1, Int(number))
            default: throw BenchFailure("grant-latency: unknown option \(flag); known: --cycles --workers --gated --planned --baseline-s --probe-ms --reserve --running-tests --per-test-ms")
            }
        }
        let fleet = try BenchFleet()
        defer { fleet.stop(keep: ProcessInfo.processInfo.environment["KEEP"] != nil) }
        for i in 1...workers { try fleet.addWorker(id: "w\(i)", slots: 1) }
        let here = Arch.current, other: Arch = here == .x86_64 ? .aarch64 : .x86_64
        let probe = ProbeWorker(endpoint: fleet.endpoint, arch: other, workMilliseconds: probeMs, perTestMilliseconds: perTestMs,
                                acceptsPrefix: "running-")
        probe.start()
        defer { probe.stop() }
        let client = try BenchClient(endpoint: fleet.endpoint)
        print("grant-latency: real coordinator + \(workers) real worker processes (SIMULATED tests) + the bench's probe worker (\(other.rawValue))")
        print("  \(fleet.endpoint), store \(fleet.storePath)")

        var running = 0, runningDone = 0, runningFailed = 0
        var inFlight: Set<String> = []
        /// Keeps `reserve` running builds submitted and unfinished: a new one waits for its
        /// admission behind the coordinator's planning of the million-test build, and the probe
        /// must have work all along, or the very waits this measures go unseen.
        func topUpRunning() throws {
            for id in inFlight where client.verdicts[id] != nil {
                inFlight.remove(id)
                runningDone += 1
                if client.verdicts[id]!.code != 0 { runningFailed += 1 }
            }
            while inFlight.count < reserve {
                running += 1
                let id = "running-\(running)"
                inFlight.insert(id)
                try client.submit(.pinned(id, SimulatedSuite(count: runningTests, seed: UInt64(running)), to: other))
            }
        }
        /// Pumps for `seconds` (or until `until`), keeping running builds going all along.
        func tick(_ seconds: Double, until: () -> Bool = { false }) throws {
            let end = monotonicSeconds() + seconds
            while monotonicSeconds() < end && !until() {
                client.pump(seconds: 0.02)
                try topUpRunning()
                if let error = client.errors.first { throw BenchFailure("coordinator said \(error)") }
            }
        }
        try topUpRunning()
        try tick(1.0)  // workers connect, the first running build starts
        var phases: [Phase] = []
        let baselineStart = monotonicSeconds()
        try tick(baselineSeconds)
        phases.append(Phase(name: "baseline (running build alone)", start: baselineStart, end: monotonicSeconds()))

        let store = try Store(path: fleet.storePath)
        var gateSeconds: [Double] = [], planSeconds: [Double] = []
        for cycle in 1...cycles {
            let gated = "gated-\(cycle)", planned = "planned-\(cycle)"
            let submitted = monotonicSeconds()
            try client.submit(.pinned(gated, SimulatedSuite(count: gatedTests, seed: UInt64(100 + cycle)), to: here))
            var lastPoll = 0.0
            var stored = 0
            try tick(600) {
                let now = monotonicSeconds()
                guard now - lastPoll >= 0.05 else { return false }
                lastPoll = now
                stored = (try? store.resultCount(build: gated)) ?? 0
                return stored >= gatedTests
            }
            guard stored >= gatedTests else { throw BenchFailure("\(gated): only \(stored) results stored") }
            let allStored = monotonicSeconds()
            phases.append(Phase(name: "storing 100k results", start: submitted, end: allStored))
            try client.submit(.simulated(planned, "sim:\(plannedTests),seed=\(cycle)", priority: -5))
            var cancelled = false
            try tick(600) {
                if !cancelled, client.firstProgressAt[planned] != nil {
                    try? client.cancel(planned)
                    cancelled = true
                }
                return client.verdicts[gated] != nil && client.verdicts[planned] != nil
            }
            guard let gatedVerdict = client.verdicts[gated], gatedVerdict.code == 0 else {
                throw BenchFailure("\(gated): verdict \(String(describing: client.verdicts[gated]))")
            }
            let plannedAt = client.firstProgressAt[planned] ?? client.verdicts[planned]!.at
            phases.append(Phase(name: "gating 100k results", start: allStored, end: gatedVerdict.at))
            phases.append(Phase(name: "planning 1M tests", start: allStored, end: plannedAt))
            gateSeconds.append(gatedVerdict.at - allStored)
            planSeconds.append(plannedAt - allStored)
            print(String(format: "  cycle %d: 100k stored in %.2f s, gated in %.2f s, 1M planned in %.2f s", cycle,
                         allStored - submitted, gatedVerdict.at - allStored, plannedAt - allStored))
            try tick(1.0)
        }
        probe.stop()
        let samples = probe.samples
        print("")
        print("phase                            samples   p50 ms   p99 ms   max ms")
        var json: [String: Any] = [:]
        func report(_ name: String, _ chosen: [ProbeWorker.Sample]) -> [String: Any] {
            let ms = chosen.map { $0.seconds * 1000 }.sorted()
            print(String(format: "%-32@ %7d %8.2f %8.2f %8.2f", name as NSString, ms.count, percentile(ms, 50), percentile(ms, 99), ms.last ?? .nan))
            guard !ms.isEmpty else { return ["samples": 0] }
            return ["samples": ms.count, "p50_ms": percentile(ms, 50), "p99_ms": percentile(ms, 99), "max_ms": ms.last!]
        }
        for name in Array(Set(phases.map(\.name))).sorted() {
            let windows = phases.filter { $0.name == name }
            json[name] = report(name, samples.filter { s in windows.contains { s.sentAt >= $0.start && s.sentAt < $0.end } })
        }
        let loaded = phases.filter { !$0.name.hasPrefix("baseline") }
        let underLoad = samples.filter { s in loaded.contains { s.sentAt >= $0.start && s.sentAt < $0.end } }
        json["under load (all but baseline)"] = report("under load (all but baseline)", underLoad)
        guard !underLoad.isEmpty else { throw BenchFailure("no sample under load: the probe got no grant (see the coordinator's log)") }
        let p99 = percentile(underLoad.map { $0.seconds * 1000 }.sorted(), 99)
        print("")
        print("probe: \(probe.grants) grants taken, \(probe.refused) refused (builds not its own); running builds finished: \(runningDone) (\(runningFailed) failed)")
        print(String(format: "verdict: p99 under load %.2f ms (goal <= 50 ms): %@", p99, (p99 <= 50 ? "met" : "NOT met") as NSString))
        let summary: [String: Any] = [
            "benchmark": "grant-latency", "simulated_tests": true, "cycles": cycles, "workers": workers,
            "gated_tests": gatedTests, "planned_tests": plannedTests, "phases": json, "p99_under_load_ms": p99,
            "gate_seconds": gateSeconds, "plan_seconds": planSeconds, "goal_ms": 50, "met": p99 <= 50,
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]), as: UTF8.self))
    }
}
