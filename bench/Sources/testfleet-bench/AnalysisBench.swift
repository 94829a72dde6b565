// `bench/run analysis [--tests N] [--builds N] [--repeat R] [--memory]`: time loading a SYNTHETIC
// history of about a million attempts from a real SQLite store (written through
// `Store.recordResults`) plus FlakyAnalyzer.analyze (target ≤ 2 s in release for both), against
// the cheapest one-pass detector (the same-commit rule) over the same records in the same run.
// `--memory` skips the store and times the analysis of the in-memory history alone.
import Analyzer
import BenchSupport
import Foundation
import Store

enum AnalysisBench {
    static func run(_ arguments: [String]) throws {
        var parameters = SyntheticFlakyHistory.Parameters()
        parameters.tests = 5_000
        parameters.builds = 200
        var repeats = 5
        var viaStore = true
        var index = 0
        while index < arguments.count {
            let value = index + 1 < arguments.count ? Int(arguments[index + 1]) : nil
            if arguments[index] == "--memory" {
                viaStore = false
                index += 1
                continue
            }
            switch (arguments[index], value) {
            case ("--tests", let value?): parameters.tests = value
            case ("--builds", let value?): parameters.builds = value
            case ("--repeat", let value?): repeats = max(value, 1)
            default: throw AnalyzerBenchUsage("analysis: unknown or incomplete argument '\(arguments[index])' (use --tests N --builds N --repeat R)")
            }
            index += 2
        }
        let generateStart = Date()
        let synthetic = SyntheticFlakyHistory(parameters)
        let records = synthetic.history.records.count
        print("SYNTHETIC history: \(parameters.tests) tests × \(parameters.builds) builds = \(records) attempt records (generated in \(seconds(Date().timeIntervalSince(generateStart))))")

        var store: Store?
        let path = SyntheticStoreIngest.freshStorePath("analysis")
        defer { if viaStore { SyntheticStoreIngest.remove(storeAt: path) } }
        if viaStore {
            let (opened, ingestSeconds) = try SyntheticStoreIngest.ingest(synthetic, path: path)
            store = opened
            print("ingested into \(path) through Store.recordResults in \(seconds(ingestSeconds))")
        }
        var analyzeTimes: [Double] = [], baselineTimes: [Double] = [], loadTimes: [Double] = [], streamedTimes: [Double] = []
        var flaggedCount = 0
        for run in 1...repeats {
            var history = synthetic.history
            if let store {
                let loadStart = Date()
                history = try AttemptHistory.load(from: store)
                loadTimes.append(Date().timeIntervalSince(loadStart))
                if run == 1 { try SyntheticStoreIngest.check(try SyntheticStoreIngest.inGeneratorNumbering(history, synthetic.history), against: synthetic.history) }
            }
            let start = Date()
            let analysis = FlakyAnalyzer.analyze(history)
            analyzeTimes.append(Date().timeIntervalSince(start))
            flaggedCount = analysis.tests.lazy.filter(\.flagged).count
            if let store {
                // The coordinator's refresh path: the same analysis read in test batches, never
                // holding the records (`analyzeStreamed`); its output must be the same.
                let streamedStart = Date()
                let streamed = try FlakyAnalyzer.analyzeStreamed(store: store, saveSnapshot: false)
                streamedTimes.append(Date().timeIntervalSince(streamedStart))
                guard streamed.tests == analysis.tests, streamed.prior == analysis.prior,
                      streamed.infrastructure.badCells == analysis.infrastructure.badCells,
                      streamed.infrastructure.outageBuilds == analysis.infrastructure.outageBuilds
                else { throw BenchFailure("analysis: the streamed analysis differs from load + analyze") }
            }
            let baselineStart = Date()
            let sameCommit = BaselineDetectors.sameCommitRule(synthetic.history)
            baselineTimes.append(Date().timeIntervalSince(baselineStart))
            print("run \(run): " + (loadTimes.last.map { "load from store \(seconds($0)), " } ?? "") + "analyze \(seconds(analyzeTimes.last!)) (\(flaggedCount) flagged); same-commit rule \(seconds(baselineTimes.last!)) (\(sameCommit.lazy.filter { $0 }.count) flagged)"
                  + (streamedTimes.last.map { "; streamed from the store (identical) \(seconds($0))" } ?? ""))
        }
        let analyzeMedian = median(analyzeTimes), baselineMedian = median(baselineTimes)
        let loadMedian = loadTimes.isEmpty ? 0 : median(loadTimes)
        let totals = loadTimes.isEmpty ? analyzeTimes : zip(loadTimes, analyzeTimes).map { $0 + $1 }
        let totalMedian = median(totals)
        let perSecond = Double(records) / analyzeMedian
        let streamedMedian = streamedTimes.isEmpty ? 0 : median(streamedTimes)
        if store != nil { print("median load from the SQLite store: \(seconds(loadMedian)); median load + analyze: \(seconds(totalMedian)); median streamed analysis (the coordinator's refresh): \(seconds(streamedMedian))") }
        print("median analyze: \(seconds(analyzeMedian)) = \(Int(perSecond)) records/s; target ≤ 2 s for 1,000,000 records (\(store != nil ? "load + analyze" : "analyze")): \(totalMedian * 1_000_000 / Double(records) <= 2 ? "met" : "NOT met")")
        print("median same-commit rule (one dictionary pass, baseline): \(seconds(baselineMedian)); analyze/baseline = \(String(format: "%.2f", analyzeMedian / baselineMedian))")
        let json: [String: Any] = [
            "benchmark": "analysis", "synthetic": true, "tests": parameters.tests, "builds": parameters.builds,
            "records": records, "repeats": repeats, "analyze_median_s": round4(analyzeMedian), "via_store": store != nil,
            "load_median_s": round4(loadMedian), "load_plus_analyze_median_s": round4(totalMedian),
            "streamed_median_s": round4(streamedMedian),
            "analyze_records_per_s": Int(perSecond), "same_commit_rule_median_s": round4(baselineMedian),
            "ratio_analyze_to_baseline": round4(analyzeMedian / baselineMedian), "flagged": flaggedCount,
        ]
        let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func seconds(_ value: Double) -> String { String(format: "%.3f s", value) }
    static func round4(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }
}

/// A benchmark's bad-usage error, naming the argument at fault.
struct AnalyzerBenchUsage: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
