// `bench/run retention-scale [--tests N] [--builds-per-day N] [--days N] [--keep-days N] [--seed S]`:
// a SYNTHETIC history of simulated days through the ingest path (`BuildLifecycle.ingest`: what
// `testfleet ingest junit` runs after parsing, gate and inline snapshot refresh included) into
// one store, pruned after each day with `Store.prune` (rollups first) when --keep-days > 0.
// Per day: ingest rate, prune time, store size (file and live pages). On the last day:
// `testfleet flaky --json`, `testfleet gate --build` and `testfleet report --days` as processes
// (the release binary beside this one, or TESTFLEET_BIN), timed spawn to exit (`ProcessClock`),
// with `testfleet gate --help` as the floor any command pays to start. Days are simulated:
// builds are dated a day apart, from 2024-10-04 on.
import Builds
import Foundation
import Model
import Store

enum RetentionScaleBench {
    struct Usage: Error, CustomStringConvertible {
        var description: String
    }

    /// A small deterministic generator (SplitMix64).
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    }

    static func run(_ arguments: [String]) throws {
        var tests = 20_000, buildsPerDay = 10, days = 30, keepDays = 7, seed: UInt64 = 1
        var index = 0
        while index < arguments.count {
            guard index + 1 < arguments.count, let value = Int(arguments[index + 1]) else {
                throw Usage(description: "retention-scale: '\(arguments[index])' needs a number")
            }
            switch arguments[index] {
            case "--tests": tests = value
            case "--builds-per-day": buildsPerDay = value
            case "--days": days = value
            case "--keep-days": keepDays = value
            case "--seed": seed = UInt64(value)
            default: throw Usage(description: "retention-scale: unknown argument '\(arguments[index])'")
            }
            index += 2
        }
        let binary = try IngestGateEvalBench.testfleetBinary()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("testfleet-retention-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/fleet.db"
        let store = try Store(path: path)
        let lifecycle = BuildLifecycle(store: store, refresh: AnalysisRefresh(inline: true))

        // 3 % of tests flaky, rates log-uniform 0.1–30 %; the rest fail at 1e-5 (ambient).
        var random = Random(state: seed)
        let names = (0..<tests).map { "synthetic.module_\(String(format: "%03d", $0 / 100))::test_\(String(format: "%05d", $0))" }
        let rates = (0..<tests).map { _ -> Double in
            random.unit() < 0.03 ? exp(log(0.001) + random.unit() * (log(0.3) - log(0.001))) : 1e-5
        }
        print("SYNTHETIC history (seed \(seed)): \(tests) tests × \(buildsPerDay) builds a day (≈ \(tests * buildsPerDay) results a day, 80 % main, 20 % PR) × \(days) simulated days, keep \(keepDays == 0 ? "everything" : "\(keepDays) days")")

        let firstDay = 20_000.0 * 86_400  // 2024-10-04 00:00 UTC: simulated
        var rows: [String] = []
        var lastBuild = ""
        var ingestRates: [Double] = []
        var mainCommit = 0
        for day in 0..<days {
            var ingestSeconds = 0.0, results = 0
            for number in 0..<buildsPerDay {
                let created = firstDay + Double(day) * 86_400 + Double(number) * (80_000 / Double(buildsPerDay))
                let pr = random.unit() < 0.2
                if !pr { mainCommit += 1 }
                let id = "d\(day)-b\(number)"
                let spec = BuildSpec(id: id, suite: "junit:simulated", commit: pr ? "pr-\(id)" : "main-\(mainCommit)",
                                     branch: pr ? "pr/\(day)-\(number)" : "main", base: pr ? "main-\(mainCommit)" : nil)
                var cases: [[TestResult]] = []
                cases.reserveCapacity(tests)
                for test in 0..<tests {
                    var attempts: [TestResult] = []
                    for attempt in 1...3 {
                        let failed = random.unit() < rates[test]
                        attempts.append(TestResult(test: names[test], attempt: attempt, outcome: failed ? .failed : .passed,
                                                   duration: 0.01 + random.unit() * 0.5, worker: "ci", arch: .x86_64))
                        if !failed { break }
                    }
                    results += attempts.count
                    cases.append(attempts)
                }
                let started = Date()
                _ = try lifecycle.ingest(cases, into: spec, createdAt: created)
                ingestSeconds += Date().timeIntervalSince(started)
                lastBuild = id
            }
            var pruneSeconds = 0.0
            var report = PruneReport()
            if keepDays > 0 {
                let started = Date()
                report = try store.prune(keepDays: keepDays, now: firstDay + Double(day) * 86_400 + 86_000,
                                         targetBranches: ["main", "master", "trunk"])
                pruneSeconds = Date().timeIntervalSince(started)
            }
            let (file, wal, live, rollupBytes) = try sizes(path)
            let rate = Double(results) / ingestSeconds
            ingestRates.append(rate)
            let line = String(format: "day %2d: %d results ingested at %.0f /s (gate and refresh included), prune %.2f s (%d builds, %d results gone, %d days rolled up), store file %.1f MB + WAL %.1f MB, pages in use %.1f MB (rollups %.2f MB)",
                              day + 1, results, rate, pruneSeconds, report.buildsDeleted, report.resultsDeleted, report.daysRolledUp,
                              Double(file) / 1e6, Double(wal) / 1e6, Double(live) / 1e6, Double(rollupBytes) / 1e6)
            print(line)
            rows.append("{\"day\":\(day + 1),\"results\":\(results),\"ingest_per_s\":\(Int(rate)),\"prune_s\":\(String(format: "%.3f", pruneSeconds)),\"file_bytes\":\(file),\"wal_bytes\":\(wal),\"live_bytes\":\(live),\"rollup_bytes\":\(rollupBytes)}")
        }
        // Day 30: the commands a user runs, as processes; with BASELINE_BIN, that binary's too on
        // the same store, interleaved run by run (a same-run baseline on a noisy machine).
        let baseline = ProcessInfo.processInfo.environment["BASELINE_BIN"]
        var flakySeconds: [Double] = [], gateSeconds: [Double] = [], startSeconds: [Double] = []
        var baselineFlaky: [Double] = [], baselineGate: [Double] = [], baselineStart: [Double] = []
        for _ in 0..<3 {
            let (status, seconds) = try ProcessClock.time(binary, ["flaky", "--json", "--db", path])
            guard status == 0 else { throw Usage(description: "testfleet flaky exited \(status)") }
            flakySeconds.append(seconds)
            if let baseline, case let (0, seconds) = try ProcessClock.time(baseline, ["flaky", "--json", "--db", path]) {
                baselineFlaky.append(seconds)
            }
        }
        let gateArguments = ["gate", "--build", lastBuild, "--db", path, "--json"]
        for _ in 0..<9 {
            let (status, seconds) = try ProcessClock.time(binary, gateArguments)
            guard status == 0 || status == 1 else { throw Usage(description: "testfleet gate exited \(status)") }
            gateSeconds.append(seconds)
            startSeconds.append(try ProcessClock.time(binary, ["gate", "--help"]).seconds)
            if let baseline {
                if case let (code, seconds) = try ProcessClock.time(baseline, gateArguments), code == 0 || code == 1 {
                    baselineGate.append(seconds)
                }
                baselineStart.append(try ProcessClock.time(baseline, ["gate", "--help"]).seconds)
            }
        }
        if let baseline {
            print("baseline \(baseline): " + String(format: "flaky --json median %.2f s (%d runs), gate --build median %.1f ms (%d runs; gate --help %.1f ms), same store, interleaved",
                         IngestGateEvalBench.median(baselineFlaky), baselineFlaky.count,
                         IngestGateEvalBench.median(baselineGate) * 1000, baselineGate.count,
                         IngestGateEvalBench.median(baselineStart) * 1000))
        }
        // The same gate in this process (no process start, no store open), and the daily trends
        // over every simulated day (pruned days from their rollups).
        var inProcessGate: [Double] = []
        for _ in 0..<5 {
            let started = Date()
            _ = try lifecycle.verdict(of: lastBuild)
            inProcessGate.append(Date().timeIntervalSince(started))
        }
        let trendsStarted = Date()
        let firstDayNumber = TestRollup.day(of: firstDay)
        let dayRows = try store.dayTrends(fromDay: firstDayNumber, toDay: firstDayNumber + days - 1,
                                          targetBranches: ["main", "master", "trunk"])
        let trendsSeconds = Date().timeIntervalSince(trendsStarted)
        let buildTrendsStarted = Date()
        let buildRows = try store.buildTrends(limit: 100)
        let buildTrendsSeconds = Date().timeIntervalSince(buildTrendsStarted)
        let totalled = try buildRows.filter { try store.hasBuildTotal($0.build) }.count
        print(String(format: "day trends over %d days: %d days shown (%d from rollups), %.3f s; build trends of the newest %d builds (%d from build totals) %.3f s; gate in-process median %.1f ms",
                     days, dayRows.count, dayRows.filter(\.rolledUp).count, trendsSeconds, buildRows.count, totalled,
                     buildTrendsSeconds, IngestGateEvalBench.median(inProcessGate) * 1000))
        // `report` charts the last N days up to today; the simulated days lie in 2024, so N
        // reaches back to them (the days between hold no builds and cost nothing).
        let reportDays = TestRollup.day(of: Date().timeIntervalSince1970) - firstDayNumber + 1
        let reportDirectory = directory + "/report"
        var reportSeconds: [Double] = []
        for _ in 0..<3 {
            let (status, seconds) = try ProcessClock.time(binary, ["report", "--out", reportDirectory, "--days", "\(reportDays)", "--db", path])
            guard status == 0 else { throw Usage(description: "testfleet report exited \(status)") }
            reportSeconds.append(seconds)
        }
        print(String(format: "testfleet report --days %d (the %d simulated days; its flaky section included) median %.2f s (%@ s); testfleet gate --help median %.1f ms",
                     reportDays, days, IngestGateEvalBench.median(reportSeconds),
                     reportSeconds.map { String(format: "%.2f", $0) }.joined(separator: ", "),
                     IngestGateEvalBench.median(startSeconds) * 1000))
        let rollupRows = try store.rollups().count
        let flaky = IngestGateEvalBench.median(flakySeconds), gate = IngestGateEvalBench.median(gateSeconds)
        let early = IngestGateEvalBench.median(Array(ingestRates.prefix(7)))
        let late = IngestGateEvalBench.median(Array(ingestRates.suffix(7)))
        let flakyRuns = flakySeconds.map { String(format: "%.2f", $0) }.joined(separator: ", ")
        print(String(format: "day %d: testfleet flaky --json median %.2f s, gate --build median %.3f s (processes, spawn to exit); ingest median days 1–7 %.0f /s, last 7 days %.0f /s; %d rollup rows",
                     days, flaky, gate, early, late, rollupRows) + " (flaky runs: \(flakyRuns) s)")
        print("(SYNTHETIC history, simulated days)")
        print("{\"benchmark\":\"retention-scale\",\"synthetic\":true,\"tests\":\(tests),\"builds_per_day\":\(buildsPerDay),\"days\":\(days),"
            + "\"keep_days\":\(keepDays),\"flaky_s\":\(String(format: "%.3f", flaky)),\"gate_s\":\(String(format: "%.3f", gate)),"
            + "\"gate_in_process_ms\":\(String(format: "%.1f", IngestGateEvalBench.median(inProcessGate) * 1000)),"
            + "\"gate_help_ms\":\(String(format: "%.1f", IngestGateEvalBench.median(startSeconds) * 1000)),"
            + "\"trends_s\":\(String(format: "%.3f", trendsSeconds)),\"report_s\":\(String(format: "%.3f", IngestGateEvalBench.median(reportSeconds))),"
            + "\"trend_days\":\(dayRows.count),\"trend_days_rolled_up\":\(dayRows.filter(\.rolledUp).count),"
            + "\"ingest_per_s_first7\":\(Int(early)),\"ingest_per_s_last7\":\(Int(late)),\"rollup_rows\":\(rollupRows),"
            + "\"per_day\":[\(rows.joined(separator: ","))]}")
    }

    /// The store's sizes: its main file, its WAL, the bytes its pages in use hold, and of those
    /// the rollups' (table and index, from SQLite's dbstat).
    static func sizes(_ path: String) throws -> (file: Int, wal: Int, live: Int, rollups: Int) {
        func size(_ file: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: file)[.size]) as? Int) ?? 0 }
        let pages = try pragma(path, "page_count"), free = try pragma(path, "freelist_count"), pageSize = try pragma(path, "page_size")
        let rollups = try pragma(path, "", sql: "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE 'test_rollup%'")
        return (size(path), size(path + "-wal"), (pages - free) * pageSize, rollups)
    }

    static func pragma(_ path: String, _ name: String, sql: String? = nil) throws -> Int {
        let (status, output, _) = try IngestGateEvalBench.runProcess("/usr/bin/sqlite3", [path, sql ?? "PRAGMA \(name)"])
        guard status == 0 else { return 0 }
        return Int(String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
}
