import Foundation
import Model
import Store

/// The verdict of a finished build from what the store holds: a test's last attempt decides it;
/// a test that failed and then passed on retry passes and is counted as flaky.
enum StoredVerdict {
    static func compute(store: Store, build id: String) throws -> (Verdict, Int32) {
        guard let record = try store.build(id) else { throw CLIExit.badInput("no build '\(id)' in \(store.path)") }
        let results = try store.results(build: id)
        var counts = Verdict.Counts()
        var failures: [Verdict.Failure] = []
        var passedOnRetry: [String] = []
        var start = 0
        while start < results.count {
            var end = start
            while end < results.count && results[end].test == results[start].test { end += 1 }
            let attempts = results[start..<end]
            let last = attempts.last!
            counts.total += 1
            if last.outcome.isFailure {
                counts.failed += 1
                failures.append(.init(test: last.test, attempts: attempts.count, outcome: last.outcome.rawValue))
            } else if last.outcome == .skipped {
                counts.skipped += 1
            } else {
                counts.passed += 1
                if attempts.contains(where: { $0.outcome.isFailure }) {
                    counts.flaky += 1
                    passedOnRetry.append(last.test)
                }
            }
            start = end
        }
        var reasons: [String] = []
        if counts.total < record.testCount {
            reasons.append("\(record.testCount - counts.total) of \(record.testCount) tests have no result")
        }
        if !failures.isEmpty { reasons.append("\(failures.count) test(s) failed on every attempt") }
        if !passedOnRetry.isEmpty { reasons.append("\(passedOnRetry.count) test(s) passed only on retry (flaky)") }
        let pass = failures.isEmpty && counts.total >= record.testCount
        if pass && reasons.isEmpty { reasons.append("all \(counts.total) tests passed") }
        if record.simulated { reasons.append("simulated suite: these results say nothing about real code") }
        let verdict = Verdict(
            build: id, commit: record.spec.commit, verdict: pass ? .pass : .fail, counts: counts, failures: failures,
            reasons: reasons, simulated: record.simulated, suite: record.spec.suite,
            wallSeconds: record.finishedAt.map { $0 - record.createdAt }, passedOnRetry: passedOnRetry)
        return (verdict, pass ? 0 : 1)
    }
}
