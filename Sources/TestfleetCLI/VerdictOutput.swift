import Foundation
import Model
import Store

/// Prints a verdict for people and writes the JSON document for machines.
enum VerdictOutput {
    static func emit(_ verdict: Verdict, json path: String?, store: Store) throws {
        if let path {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            do {
                try encoder.encode(verdict).write(to: URL(fileURLWithPath: path))
            } catch {
                throw TestfleetError.infrastructure("cannot write the verdict to \(path): \(error)")
            }
        }
        print(summary(verdict, store: store))
    }

    static func summary(_ verdict: Verdict, store: Store) -> String {
        let c = verdict.counts
        var lines: [String] = []
        let simulated = verdict.simulated ? " [SIMULATED suite]" : ""
        let wall = verdict.wallSeconds.map { String(format: " in %.2f s", $0) } ?? ""
        lines.append("verdict: \(verdict.verdict.rawValue.uppercased())\(simulated) — build \(verdict.build): "
            + "\(c.total) tests, \(c.passed) passed, \(c.failed) failed, \(c.skipped) skipped, \(c.flaky) flaky\(wall)")
        for failure in verdict.failures.prefix(20) {
            lines.append("  FAILED \(failure.test) (\(failure.outcome), \(failure.attempts) attempt\(failure.attempts == 1 ? "" : "s"))")
        }
        if verdict.failures.count > 20 { lines.append("  … and \(verdict.failures.count - 20) more (see --json)") }
        for reason in verdict.reasons { lines.append("  - \(reason)") }
        lines.append("results: \(store.path) (build \(verdict.build))")
        return lines.joined(separator: "\n")
    }
}
