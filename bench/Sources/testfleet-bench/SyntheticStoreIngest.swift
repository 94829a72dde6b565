// Writes a SYNTHETIC flaky history into a real SQLite store through the path users' results take
// (a build row per build, `Store.recordResults` per build, `finishBuild`), and loads it back
// through the analyser's store loader, checking that the round trip kept every attempt.
import Analyzer
import BenchSupport
import Foundation
import Model
import Store

enum SyntheticStoreIngest {
    struct Loaded {
        var history: AttemptHistory
        var path: String
        var ingestSeconds: Double
        var loadSeconds: Double
    }

    /// A fresh store file under the temporary directory.
    static func freshStorePath(_ label: String) -> String {
        let directory = NSTemporaryDirectory() + "testfleet-bench-\(label)-\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory + "/fleet.db"
    }

    /// Removes a store made by `freshStorePath` (a million-row file is ~100 MB).
    static func remove(storeAt path: String) {
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }

    /// Ingests every build of `synthetic` into a new store at `path`.
    static func ingest(_ synthetic: SyntheticFlakyHistory, path: String) throws -> (Store, Double) {
        let store = try Store(path: path)
        let history = synthetic.history
        let started = Date()
        var start = 0
        for build in history.builds {
            var end = start
            while end < history.records.count, history.records[end].build == build.index { end += 1 }
            let results = history.records[start..<end].map { record in
                TestResult(test: history.testNames[Int(record.test)], attempt: Int(record.attempt), outcome: record.outcome,
                           duration: Double(record.duration), worker: history.workerNames[Int(record.worker)], arch: record.arch)
            }
            try store.createBuild(BuildSpec(id: build.id, suite: "synthetic (SYNTHETIC flaky-eval history)", commit: build.sha,
                                            branch: build.branch, maxAttempts: min(synthetic.parameters.retries + 1, 10),
                                            confirmAttempts: min(synthetic.parameters.confirmRetries, 20),
                                            confirmLimit: synthetic.parameters.confirmLimit),
                                  testCount: synthetic.parameters.tests, source: "ingest")
            try store.recordResults(build: build.id, results)
            start = end
        }
        return (store, Date().timeIntervalSince(started))
    }

    /// Ingests, then loads back with `AttemptHistory.load(from:)` and checks the round trip.
    static func roundTrip(_ synthetic: SyntheticFlakyHistory, label: String) throws -> Loaded {
        let path = freshStorePath(label)
        let (store, ingestSeconds) = try ingest(synthetic, path: path)
        let loadStart = Date()
        let loaded = try AttemptHistory.load(from: store)
        let loadSeconds = Date().timeIntervalSince(loadStart)
        let mapped = try inGeneratorNumbering(loaded, synthetic.history)
        try check(mapped, against: synthetic.history)
        return Loaded(history: mapped, path: path, ingestSeconds: ingestSeconds, loadSeconds: loadSeconds)
    }

    /// The store knows only commits that a build ran; the generator also numbers the commits it
    /// skipped, and its ground truth (broken from commit X, indexed by test id) uses its own
    /// numbers. Maps the loaded commit positions back by SHA (order-preserving, so the analysis
    /// sees the same order) and test ids back by name.
    static func inGeneratorNumbering(_ loaded: AttemptHistory, _ original: AttemptHistory) throws -> AttemptHistory {
        let position = Dictionary(original.commitSHAs.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        let map = try loaded.commitSHAs.map { sha -> Int32 in
            guard let found = position[sha] else { throw AnalyzerBenchUsage("loaded commit \(sha) is not the generator's") }
            return found
        }
        var mapped = loaded
        mapped.commitSHAs = original.commitSHAs
        for index in mapped.builds.indices {
            mapped.builds[index].commit = map[Int(mapped.builds[index].commit)]
            mapped.builds[index].baseCommit = mapped.builds[index].baseCommit.map { map[Int($0)] }
        }
        // Test ids too: the store interns names in its key order, which is the generator's id
        // order only while zero-padded names sort like numbers (not for 100,000 tests).
        let testID = Dictionary(original.testNames.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        let testMap = try loaded.testNames.map { name -> Int32 in
            guard let found = testID[name] else { throw AnalyzerBenchUsage("loaded test \(name) is not the generator's") }
            return found
        }
        mapped.testNames = original.testNames
        for index in mapped.records.indices {
            mapped.records[index].commit = map[Int(mapped.records[index].commit)]
            mapped.records[index].test = testMap[Int(mapped.records[index].test)]
        }
        mapped.records.sort { ($0.build, $0.test, $0.attempt) < ($1.build, $1.test, $1.attempt) }
        return mapped
    }

    /// The loaded history must hold the same attempts (worker ids may be numbered differently).
    static func check(_ loaded: AttemptHistory, against original: AttemptHistory) throws {
        guard loaded.testNames == original.testNames, loaded.commitSHAs == original.commitSHAs,
              loaded.builds.map(\.id) == original.builds.map(\.id), loaded.records.count == original.records.count
        else {
            throw AnalyzerBenchUsage("store round trip changed the history: \(loaded.records.count) vs \(original.records.count) records, "
                + "names equal \(loaded.testNames == original.testNames) (\(loaded.testNames.prefix(3)) vs \(original.testNames.prefix(3))), "
                + "commits equal \(loaded.commitSHAs == original.commitSHAs), builds equal \(loaded.builds.map(\.id) == original.builds.map(\.id))")
        }
        for (a, b) in zip(loaded.records, original.records) {
            guard a.test == b.test, a.build == b.build, a.commit == b.commit, a.attempt == b.attempt, a.outcome == b.outcome,
                  a.arch == b.arch, a.duration == b.duration,
                  loaded.workerNames[Int(a.worker)] == original.workerNames[Int(b.worker)]
            else { throw AnalyzerBenchUsage("store round trip changed a record: \(a) vs \(b)") }
        }
    }
}
