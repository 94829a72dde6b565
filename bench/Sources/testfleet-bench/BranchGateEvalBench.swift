// `bench/run branch-gate-eval [--tests N] [--seed S] [--retries R]`: a SYNTHETIC history with
// pull-request branches beside main (SyntheticBranchHistory) through the user-facing path:
// each build's JUnit file recorded with `testfleet ingest junit --branch --base`, judged with
// `testfleet gate --build` right after, and at the end `testfleet flaky --json`. Scored against
// the generator's ground truth: PR-only breaks called flaky, PR breaks that passed the gate,
// false blocks on clean builds, main's break named with its culprit and blocking, and
// precision/recall of the flaky flag.
import BenchSupport
import Foundation
import JUnit
import Model

enum BranchGateEvalBench {
    static func run(_ arguments: [String]) throws {
        var parameters = SyntheticBranchHistory.Parameters()
        var index = 0
        while index < arguments.count {
            guard index + 1 < arguments.count, let value = Int(arguments[index + 1]) else {
                throw IngestGateEvalBench.Usage(description: "branch-gate-eval: '\(arguments[index])' needs a number")
            }
            switch arguments[index] {
            case "--tests": parameters.tests = value
            case "--seed": parameters.seed = UInt64(value)
            case "--retries": parameters.retries = max(0, min(value, 9))
            case "--prs": parameters.pullRequests = max(1, value)
            default: throw IngestGateEvalBench.Usage(description: "branch-gate-eval: unknown argument '\(arguments[index])' (use --tests --seed --retries --prs)")
            }
            index += 2
        }
        let binary = try IngestGateEvalBench.testfleetBinary()
        let started = Date()
        let synthetic = SyntheticBranchHistory(parameters)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("testfleet-branch-gate-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let keep = ProcessInfo.processInfo.environment["KEEP_DB"] != nil  // to look at a false block afterwards
        defer { if !keep { try? FileManager.default.removeItem(atPath: directory) } }
        let db = directory + "/fleet.db"
        let prBuilds = synthetic.builds.filter { $0.branch != "main" }
        print("SYNTHETIC branch history (seed \(parameters.seed)): \(parameters.tests) tests, \(parameters.mainCommits) main builds, \(prBuilds.count) PR builds of \(parameters.pullRequests) PRs, \(synthetic.prOnlyBroken.count) hot tests only PRs broke, main breaks \(synthetic.testNames[synthetic.mainBreakTest]) at main commit \(synthetic.mainBreakCommit); retries \(parameters.retries)")

        var clean = 0, falseBlocks = 0, prBreakBuilds = 0, prBreaksPassed = 0, mainBreakBuilds = 0, mainBreakPassed = 0
        var falseBlockCauses: [String: Int] = [:]
        var gateSeconds: [Double] = []
        for build in synthetic.builds {
            let cases = build.attempts.enumerated().map { test, outcomes in
                JUnitTestCase(testfleetName: synthetic.testNames[test], outcome: outcomes.last!, duration: 0.01,
                              earlierAttempts: Array(outcomes.dropLast()))
            }
            let file = directory + "/build.xml"
            try JUnitWriter.write(cases, to: file)
            let (status, _, _) = try IngestGateEvalBench.runProcess(binary, [
                "ingest", "junit", file, "--commit", build.commit, "--branch", build.branch, "--base", build.base,
                "--build", build.id, "--arch", "x86_64", "--worker", "ci", "--db", db, "--json"])
            guard status == 0 else { throw IngestGateEvalBench.Usage(description: "ingest of \(build.id) exited \(status)") }
            let (gateStatus, output, seconds) = try IngestGateEvalBench.runProcess(binary, ["gate", "--build", build.id, "--db", db, "--json"])
            guard gateStatus == 0 || gateStatus == 1 else { throw IngestGateEvalBench.Usage(description: "gate of \(build.id) exited \(gateStatus)") }
            gateSeconds.append(seconds)
            let verdict = try JSONSerialization.jsonObject(with: output) as? [String: Any] ?? [:]
            let quarantined = Set(verdict["quarantined"] as? [String] ?? [])
            let blocking = Set((verdict["failures"] as? [[String: Any]] ?? []).compactMap { $0["test"] as? String }
                .filter { !quarantined.contains($0) })
            let broken = Set(build.broken.map { synthetic.testNames[$0] })
            if build.broken.isEmpty {
                clean += 1
                if !blocking.isEmpty {
                    falseBlocks += 1
                    for name in blocking { falseBlockCauses[name, default: 0] += 1 }
                    if keep { print("false block: \(build.id): \((verdict["reasons"] as? [String] ?? []).joined(separator: "; ")) (store \(db))") }
                }
            }
            let own = build.broken.subtracting([synthetic.mainBreakTest]).map { synthetic.testNames[$0] }
            if build.branch != "main" && !own.isEmpty {
                prBreakBuilds += 1
                if !Set(own).isSubset(of: blocking) { prBreaksPassed += 1 }
            }
            if build.branch == "main" && build.broken.contains(synthetic.mainBreakTest) {
                mainBreakBuilds += 1
                if !broken.isSubset(of: blocking) { mainBreakPassed += 1 }
            }
        }
        let (_, flakyOutput, flakySeconds) = try IngestGateEvalBench.runProcess(binary, ["flaky", "--json", "--db", db])
        let entries = try JSONSerialization.jsonObject(with: flakyOutput) as? [[String: Any]] ?? []
        var flagged = Set<Int>(), branchEntries = 0
        var mainBreakNamed = false
        let ids = Dictionary(uniqueKeysWithValues: synthetic.testNames.enumerated().map { ($1, $0) })
        for entry in entries {
            guard let name = entry["test"] as? String, let test = ids[name], let state = entry["state"] as? String else { continue }
            if entry["branch"] != nil {
                branchEntries += 1
                continue
            }
            let evidence = entry["evidence"] as? String ?? ""
            if state == "flaky" || (state == "quarantined" && evidence.contains("quarantined (automatic)")) { flagged.insert(test) }
            if test == synthetic.mainBreakTest, state == "broken",
               entry["since_commit"] as? String == synthetic.builds.first(where: { $0.branch == "main" && $0.broken.contains(test) })?.commit
            {
                mainBreakNamed = true
            }
        }
        let truthFlaky = Set(synthetic.flakeRates.indices.filter { synthetic.flakeRates[$0] > 0 })
        let truthAtLeast1 = Set(synthetic.flakeRates.indices.filter { synthetic.flakeRates[$0] >= 0.01 })
        let precision = flagged.isEmpty ? 1 : Double(flagged.intersection(truthFlaky).count) / Double(flagged.count)
        let recall = truthAtLeast1.isEmpty ? 1 : Double(flagged.intersection(truthAtLeast1).count) / Double(truthAtLeast1.count)
        let prOnlyCalledFlaky = flagged.intersection(synthetic.prOnlyBroken).count
        let falseBlockRate = Double(falseBlocks) / Double(max(clean, 1))
        print("PR-only breaks called flaky: \(prOnlyCalledFlaky) of \(synthetic.prOnlyBroken.count) (target 0)")
        print("PR builds whose own break passed the gate: \(prBreaksPassed) of \(prBreakBuilds) (target 0)")
        print("main's break: named broken with its culprit commit \(mainBreakNamed ? "yes" : "NO"); main builds after it that passed \(mainBreakPassed) of \(mainBreakBuilds) (target 0)")
        print("precision \(IngestGateEvalBench.fmt(precision, 3)) (target ≥ 0.95), recall (flake rate ≥ 1%) \(IngestGateEvalBench.fmt(recall, 3)) (target ≥ 0.90): \(flagged.count) flagged, \(truthAtLeast1.count) flaky ≥ 1%, \(truthFlaky.count) flaky in all")
        print("false blocks \(IngestGateEvalBench.fmt(100 * falseBlockRate, 1))% (\(falseBlocks)/\(clean) clean builds, target ≤ 1%)"
            + (falseBlockCauses.isEmpty ? "" : "; by: " + falseBlockCauses.sorted { $0.value > $1.value }.prefix(8).map { name, times in
                let test = ids[name]!
                return "\(name)(rate \(IngestGateEvalBench.fmt(synthetic.flakeRates[test], 3)))×\(times)"
            }.joined(separator: ", ")))
        print("flaky --json: \(entries.count) entries, \(branchEntries) reported against a PR branch; took \(IngestGateEvalBench.fmt(flakySeconds, 2)) s; gate median \(IngestGateEvalBench.fmt(IngestGateEvalBench.median(gateSeconds), 3)) s")
        print("(SYNTHETIC history; total \(IngestGateEvalBench.fmt(Date().timeIntervalSince(started), 1)) s)")
        print("{\"benchmark\":\"branch-gate-eval\",\"synthetic\":true,\"seed\":\(parameters.seed),\"tests\":\(parameters.tests),"
            + "\"builds\":\(synthetic.builds.count),\"pr_only_called_flaky\":\(prOnlyCalledFlaky),\"pr_breaks_passed\":\(prBreaksPassed),"
            + "\"pr_break_builds\":\(prBreakBuilds),\"main_break_named\":\(mainBreakNamed),\"main_break_passed\":\(mainBreakPassed),"
            + "\"precision\":\(IngestGateEvalBench.fmt(precision, 4)),\"recall_ge_1pct\":\(IngestGateEvalBench.fmt(recall, 4)),"
            + "\"false_blocks\":\(falseBlocks),\"clean_builds\":\(clean),\"false_block_rate\":\(IngestGateEvalBench.fmt(falseBlockRate, 4))}")
    }
}
