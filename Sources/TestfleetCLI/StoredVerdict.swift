import Analyzer
import Foundation
import Model
import Store

/// The verdict of a finished build from what the store holds: the analyser's gate
/// (`StoredGate`). Quarantined tests' failures do not block, a pass on retry is flaky evidence
/// and does not block, a test that failed every attempt blocks.
enum StoredVerdict {
    static func compute(store: Store, build id: String) throws -> (Verdict, Int32) {
        let started = Date()
        guard let evaluation = try StoredGate.evaluate(store: store, build: id) else {
            throw CLIExit.badInput("no build '\(id)' in \(store.path)")
        }
        if ProcessInfo.processInfo.environment["TESTFLEET_TRACE"] != nil {
            FileHandle.standardError.write(Data(String(format: "trace verdict of %@ took %.1f ms\n", id,
                                                       Date().timeIntervalSince(started) * 1000).utf8))
        }
        return (evaluation.verdict, evaluation.verdict.verdict == .pass ? 0 : CLIExit.gateFailed)
    }
}
