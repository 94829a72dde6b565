import Foundation
import Model
import Store

/// The verdict of a finished build from what the store holds: a test's last attempt decides it;
/// a test that failed and then passed on retry passes and is counted as flaky.
enum StoredVerdict {
    static func compute(store: Store, build id: String) throws -> (Verdict, Int32) {
        guard let record = try store.build(id) else { throw CLIExit.badInput("no build '\(id)' in \(store.path)") }
        let summary = try store.summary(build: id)
        var counts = Verdict.Counts()
        counts.total = summary.tests
        for (outcome, n) in summary.finalOutcomes {
            if outcome.isFailure { counts.failed += n } else if outcome == .skipped { counts.skipped += n } else { counts.passed += n }
        }
        counts.flaky = summary.passedOnRetry.count
        let failures = summary.failures.map { Verdict.Failure(test: $0.test, attempts: $0.attempts, outcome: $0.final.rawValue) }
        let passedOnRetry = summary.passedOnRetry.map(\.test)
        var reasons: [String] = []
        if counts.total < record.testCount {
            reasons.append("\(record.testCount - counts.total) of \(record.testCount) tests have no result")
        }
        if !failures.isEmpty { reasons.append("\(failures.count) test(s) failed on every attempt") }
        if !passedOnRetry.isEmpty { reasons.append("\(passedOnRetry.count) test(s) passed only on retry (flaky)") }
        // The high watermark refused the build before any test ran (see Impact/Watermark.swift).
        let rebase = try store.selection(build: id)?.rebaseRequired
        if let rebase { reasons.insert(rebase, at: 0) }
        let pass = rebase == nil && failures.isEmpty && counts.total >= record.testCount
        if pass && reasons.isEmpty { reasons.append("all \(counts.total) tests passed") }
        if record.simulated { reasons.append("simulated suite: these results say nothing about real code") }
        let verdict = Verdict(
            build: id, commit: record.spec.commit, verdict: pass ? .pass : .fail, counts: counts, failures: failures,
            reasons: reasons, simulated: record.simulated, suite: record.spec.suite,
            wallSeconds: record.finishedAt.map { $0 - record.createdAt }, passedOnRetry: passedOnRetry)
        return (verdict, pass ? 0 : 1)
    }
}
