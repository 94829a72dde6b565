// `bench/run ingest-gate-eval [--tests N] [--builds N] [--seed S] [--retries R] [--confirm C] [--broken-share F]
// [--gate-confirm R]`: the flaky-eval generator's SYNTHETIC history through the user-facing ingest
// path. Each build becomes one JUnit file (retries as Surefire `<rerunFailure>`s), recorded with
// the real `testfleet ingest junit` process and then judged with `testfleet gate --build` right
// after, nothing in between: the gate a CI that brings results from elsewhere gets, build by
// build. Scored against the generator's ground truth as flaky-eval scores its gate.
//
// `--gate-confirm R`: the gate is `testfleet gate --build ID --confirm --confirm-runs R --suite
// FILE`, where FILE is a SIMULATED shell suite ("simulated-confirmations") holding the build's
// tests that failed every attempt; each rerun is a fresh `sh` process whose outcome was drawn
// by the generator (`SyntheticFlakyHistory.confirmationRunFails`: the test's rates and breaks,
// as flaky-eval's `run` path draws its confirmation runs). The gate decides what to rerun.
import Analyzer
import BenchSupport
import Foundation
import JUnit
import Model

enum IngestGateEvalBench {
    struct Usage: Error, CustomStringConvertible {
        var description: String
    }

    static func run(_ arguments: [String]) throws {
        var parameters = SyntheticFlakyHistory.Parameters()
        parameters.tests = 2_000
        parameters.builds = 160
        parameters.confirmRetries = 0  // another CI: its own retries only,
        parameters.retriesOneByOne = true  // one after another to the first pass (Surefire's reruns)
        parameters.knownBreakRetries = 9  // which know no known breaks: every failure gets them all,
        parameters.expectedToFailRetries = 9  // whatever the build before it did,
        parameters.bornBrokenShare = 0  // and the tests that price that rule are left out
        var gateConfirm = 0  // reruns per test `gate --confirm` may make (0: plain `gate`)
        var index = 0
        while index < arguments.count {
            if arguments[index] == "--broken-share", index + 1 < arguments.count, let share = Double(arguments[index + 1]) {
                parameters.brokenShare = max(0, min(share, 1))  // fewer broken tests: more clean builds to judge
                index += 2
                continue
            }
            guard index + 1 < arguments.count, let value = Int(arguments[index + 1]) else {
                throw Usage(description: "ingest-gate-eval: '\(arguments[index])' needs a number")
            }
            switch arguments[index] {
            case "--tests": parameters.tests = value
            case "--builds": parameters.builds = value
            case "--seed": parameters.seed = UInt64(value)
            case "--retries": parameters.retries = max(0, min(value, 9))
            case "--confirm": parameters.confirmRetries = max(0, min(value, 20))
            case "--gate-confirm": gateConfirm = max(0, min(value, 20))
            default: throw Usage(description: "ingest-gate-eval: unknown argument '\(arguments[index])' (use --tests --builds --seed --retries --confirm --broken-share --gate-confirm)")
            }
            index += 2
        }
        let binary = try testfleetBinary()
        let started = Date()
        let synthetic = SyntheticFlakyHistory(parameters)
        let history = synthetic.history
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("testfleet-ingest-gate-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let keep = ProcessInfo.processInfo.environment["KEEP_DB"] != nil  // to look at a false block afterwards
        defer { if !keep { try? FileManager.default.removeItem(atPath: directory) } }
        let db = directory + "/fleet.db"
        print("SYNTHETIC history (seed \(parameters.seed)): \(parameters.tests) tests × \(parameters.builds) builds, broken share \(parameters.brokenShare), \(history.records.count) attempts, retries ≤ \(parameters.retries), confirmation runs \(parameters.confirmRetries); each build: `testfleet ingest junit` then `testfleet gate --build`"
            + (gateConfirm > 0 ? " --confirm --confirm-runs \(gateConfirm) with a SIMULATED suite (reruns drawn from the generator's rates and breaks)" : ""))
        var reruns: [Int] = [], rerunTests: [Int] = []

        var ingestSeconds: [Double] = [], gateSeconds: [Double] = []
        var falseBlocks = 0, clean = 0, missed = 0, regressions = 0
        var causes: [String: Int] = [:]
        // Earlier builds in which each test failed some attempt: how much record a false block had.
        var failedBefore: [Int32: Int] = [:]
        var record = (first: 0, thin: 0, known: 0)
        var recordIndex = 0
        for build in 0..<history.builds.count {
            var attempts: [Int32: [AttemptRecord]] = [:]
            while recordIndex < history.records.count, history.records[recordIndex].build == Int32(build) {
                attempts[history.records[recordIndex].test, default: []].append(history.records[recordIndex])
                recordIndex += 1
            }
            let cases = attempts.keys.sorted().map { test -> JUnitTestCase in
                let records = attempts[test]!.sorted { $0.attempt < $1.attempt }
                return JUnitTestCase(testfleetName: history.testNames[Int(test)], outcome: records.last!.outcome,
                                     duration: Double(records.last!.duration),
                                     earlierAttempts: records.dropLast().map(\.outcome))
            }
            let file = directory + "/build.xml"
            try JUnitWriter.write(cases, to: file)
            let id = history.builds[build].id
            let (ingestStatus, _, ingestTime) = try runProcess(binary, ["ingest", "junit", file, "--commit", history.builds[build].sha,
                                                                       "--branch", "main", "--build", id, "--arch", "x86_64",
                                                                       "--worker", "ci", "--db", db, "--json"])
            guard ingestStatus == 0 else { throw Usage(description: "ingest of \(id) exited \(ingestStatus)") }
            var gateArguments = ["gate", "--build", id, "--db", db, "--json"]
            var draws: [String: Int] = [:]  // draw file → reruns it holds
            if gateConfirm > 0 {
                draws = try writeConfirmationSuite(synthetic, build: build, attempts: attempts, runs: gateConfirm, directory: directory)
                gateArguments += ["--confirm", "--confirm-runs", String(gateConfirm), "--suite", directory + "/confirm.toml"]
            }
            let (gateStatus, output, gateTime) = try runProcess(binary, gateArguments)
            guard gateStatus == 0 || gateStatus == 1 else { throw Usage(description: "gate of \(id) exited \(gateStatus)") }
            ingestSeconds.append(ingestTime)
            gateSeconds.append(gateTime)
            if gateConfirm > 0 {
                // Reruns made: the draws each rerun consumed.
                var made = 0, tests = 0
                for (path, count) in draws {
                    let left = (try? String(contentsOfFile: path, encoding: .utf8))?.count ?? count
                    made += count - left
                    tests += count > left ? 1 : 0
                }
                reruns.append(made)
                rerunTests.append(tests)
            }
            let verdict = try JSONSerialization.jsonObject(with: output) as? [String: Any] ?? [:]
            // What the gate says blocks (not "failures minus quarantined": a failure a flaky
            // record excuses is in neither list, and does not block).
            let blocking = Set(verdict["blocking"] as? [String] ?? [])
            if verdict["verdict"] as? String == "pass", !blocking.isEmpty {
                throw Usage(description: "gate of \(id) passed while naming blocking tests")
            }
            let commit = history.builds[build].commit
            let reallyBroken = Set(synthetic.truth.indices.lazy.filter { synthetic.truth[$0].isBroken(at: commit) }
                .map { history.testNames[$0] })
            regressions += reallyBroken.count
            missed += reallyBroken.subtracting(blocking).count
            if keep, !reallyBroken.subtracting(blocking).isEmpty {
                let reasons = (verdict["reasons"] as? [String] ?? []).joined(separator: "; ")
                print("missed regression: \(id) let \(reallyBroken.subtracting(blocking).sorted().joined(separator: ", ")) through: \(reasons)")
            }
            for (test, records) in attempts where records.contains(where: { $0.outcome.isFailure }) { failedBefore[test, default: 0] += 1 }
            guard !synthetic.buildTruth[build].outage else { continue }
            clean += synthetic.buildTruth[build].realRegression ? 0 : 1
            let wrong = blocking.subtracting(reallyBroken)
            if !wrong.isEmpty, !synthetic.buildTruth[build].realRegression {
                falseBlocks += 1
                if keep {
                    let reasons = (verdict["reasons"] as? [String] ?? []).filter { $0.contains("failed all") }.prefix(3)
                    print("false block: \(id) by \(wrong.sorted().joined(separator: ", ")) (store \(db)): \(reasons.joined(separator: "; "))")
                }
                for name in wrong {
                    let test = history.testNames.firstIndex(of: name)!
                    let truth = synthetic.truth[test]
                    causes["\(truth.kind.rawValue)@\(fmt(truth.rate, 3))", default: 0] += 1
                    switch failedBefore[Int32(test), default: 1] - 1 {  // this build counted already
                    case 0: record.first += 1
                    case 1...2: record.thin += 1
                    default: record.known += 1
                    }
                }
            }
        }
        let falseBlockRate = Double(falseBlocks) / Double(max(clean, 1))
        let missedRate = Double(missed) / Double(max(regressions, 1))
        let size = (try? FileManager.default.attributesOfItem(atPath: db)[.size] as? Int) ?? 0
        print("false blocks \(fmt(100 * falseBlockRate, 1))% (\(falseBlocks)/\(clean) clean builds), missed regressions \(missed)/\(regressions)")
        print("false-blocking tests by earlier failing builds: none (first episode) \(record.first), 1–2 (thin record) \(record.thin), 3 or more (known record) \(record.known)")
        if !causes.isEmpty {
            print("false-block causes (kind@rate × tests): " + causes.sorted { $0.value > $1.value }.prefix(12).map { "\($0.key)×\($0.value)" }.joined(separator: ", "))
        }
        if gateConfirm > 0 {
            let rerunBuilds = reruns.filter { $0 > 0 }.count
            print("gate --confirm (SIMULATED reruns): \(reruns.reduce(0, +)) reruns of \(rerunTests.reduce(0, +)) tests in \(rerunBuilds) of \(reruns.count) builds; "
                + "per build: tests rerun mean \(fmt(Double(rerunTests.reduce(0, +)) / Double(max(reruns.count, 1)), 2)), max \(rerunTests.max() ?? 0); "
                + "reruns mean \(fmt(Double(reruns.reduce(0, +)) / Double(max(reruns.count, 1)), 2)), max \(reruns.max() ?? 0)")
        }
        print("ingest per build median \(fmt(median(ingestSeconds), 3)) s, gate median \(fmt(median(gateSeconds), 3)) s (last \(fmt(gateSeconds.last ?? 0, 3)) s, process start included), store \(size / 1_000_000) MB")
        print("(SYNTHETIC history; total \(fmt(Date().timeIntervalSince(started), 1)) s)")
        print("{\"benchmark\":\"ingest-gate-eval\",\"synthetic\":true,\"tests\":\(parameters.tests),\"builds\":\(parameters.builds),"
            + "\"seed\":\(parameters.seed),\"attempts\":\(history.records.count),\"false_blocks\":\(falseBlocks),\"clean_builds\":\(clean),"
            + "\"false_block_rate\":\(fmt(falseBlockRate, 4)),\"missed_regressions\":\(missed),\"regressions\":\(regressions),"
            + "\"missed_regression_rate\":\(fmt(missedRate, 4)),\"ingest_median_s\":\(fmt(median(ingestSeconds), 4)),"
            + "\"gate_median_s\":\(fmt(median(gateSeconds), 4)),\"blocks_first_episode\":\(record.first),"
            + "\"blocks_thin_record\":\(record.thin),\"blocks_known_record\":\(record.known),\"gate_confirm_runs\":\(gateConfirm),"
            + "\"reruns\":\(reruns.reduce(0, +)),\"rerun_tests\":\(rerunTests.reduce(0, +)),\"rerun_tests_max_per_build\":\(rerunTests.max() ?? 0),"
            + "\"gate_max_s\":\(fmt(gateSeconds.max() ?? 0, 4))}")
    }

    /// The SIMULATED suite `gate --confirm` reruns from for one build: a shell suite with each
    /// test that failed every attempt, whose command plays the generator's next confirmation draw
    /// for it (`P` passes, `F` fails) from a file, one draw per process. Returns each draw file
    /// with how many draws it holds.
    static func writeConfirmationSuite(_ synthetic: SyntheticFlakyHistory, build: Int, attempts: [Int32: [AttemptRecord]],
                                       runs: Int, directory: String) throws -> [String: Int]
    {
        let drawDirectory = directory + "/draws"
        try? FileManager.default.removeItem(atPath: drawDirectory)
        try FileManager.default.createDirectory(atPath: drawDirectory, withIntermediateDirectories: true)
        var toml = "# SIMULATED: each rerun plays a draw of the synthetic generator, not real code.\n"
            + "[[suite]]\nname = \"simulated-confirmations\"\nadapter = \"shell\"\ndir = \"\(directory)\"\ntimeout_s = 30\n\n[suite.tests]\n"
        var files: [String: Int] = [:]
        for (test, records) in attempts.sorted(by: { $0.key < $1.key }) where records.allSatisfy({ $0.outcome.isFailure }) {
            let path = "\(drawDirectory)/\(test)"
            let draws = (1...runs).map { synthetic.confirmationRunFails(test: Int(test), build: build, run: $0) ? "F" : "P" }.joined()
            try draws.write(toFile: path, atomically: false, encoding: .utf8)
            files[path] = runs
            let command = "s=$(cat '\(path)'); printf %s \"${s#?}\" > '\(path)'; case \"$s\" in P*) exit 0;; *) echo 'simulated failure (SIMULATED confirmation run)'; exit 1;; esac"
            toml += "\"\(synthetic.history.testNames[Int(test)])\" = \"\(command.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\"\n"
        }
        try toml.write(toFile: directory + "/confirm.toml", atomically: true, encoding: .utf8)
        return files
    }

    /// The release `testfleet` beside this binary, or `TESTFLEET_BIN`.
    static func testfleetBinary() throws -> String {
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let binary = ProcessInfo.processInfo.environment["TESTFLEET_BIN"]
            ?? me.deletingLastPathComponent().appendingPathComponent("testfleet").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw Usage(description: "no testfleet binary at \(binary) (build it, or set TESTFLEET_BIN)")
        }
        return binary
    }

    static func runProcess(_ binary: String, _ arguments: [String]) throws -> (Int32, Data, Double) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        let start = Date()
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, output, Date().timeIntervalSince(start))
    }

    static func median(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.sorted()[values.count / 2] }
    static func fmt(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
}
