import Foundation
import JUnit
import Model
public import Store
import Wire

/// `--junit FILE`: a stored build's results as JUnit XML, every attempt of every test (earlier
/// failed attempts as Surefire rerun/flaky elements), with the final attempt's output tail.
public enum JUnitExport {
    /// The test cases of `build`, in test-name order.
    static func testCases(store: Store, build: String) throws -> [JUnitTestCase] {
        guard let record = try store.build(build) else { throw TestfleetError.badInput("no build '\(build)' in \(store.path)") }
        let results = try store.results(build: build)
        let outputs = try store.outputs(build: build)
        let suite = record.simulated ? "\(record.spec.suite) (SIMULATED)" : record.spec.suite
        var cases: [JUnitTestCase] = []
        var start = 0
        while start < results.count {
            var end = start + 1
            while end < results.count && results[end].test == results[start].test { end += 1 }
            // The final attempt is the last one, or, for a test that passed on retry, its first
            // pass after its failures in order: confirmation runs go out together, so a failed
            // run can be numbered after the pass that ended the test. JUnit holds one pass per
            // test case (reruns are failures), so a second pass is left out of the file.
            let attempts = results[start..<end]
            let passedOnRetry = attempts.contains { $0.outcome.isFailure } && attempts.contains { $0.outcome == .passed }
            let firstPass = passedOnRetry ? attempts.first { $0.outcome == .passed } : nil
            let final = firstPass ?? results[end - 1]
            let earlier = firstPass == nil
                ? Array(results[start..<(end - 1)])
                : attempts.filter { $0.outcome != .passed }
            var output = ""
            if let stored = outputs[final.test]?[final.attempt] {
                let bytes = (try? OutputCodec.decompress(stored.lz4, originalSize: stored.size)) ?? []
                output = (stored.dropped > 0 ? "[… \(stored.dropped) bytes of output dropped …]\n" : "")
                    + String(decoding: bytes, as: UTF8.self)
            }
            cases.append(JUnitTestCase(
                testfleetName: final.test, suite: suite, outcome: final.outcome, duration: final.duration,
                earlierAttempts: earlier.map(\.outcome), output: output))
            start = end
        }
        return cases
    }

    /// The build's JUnit XML as bytes, for a `submit --junit` client (`format` must be "junit").
    public static func document(store: Store, build: String, format: String) throws -> [UInt8] {
        guard format == "junit" else { throw TestfleetError.badInput("unknown report format '\(format)' (testfleet renders: junit)") }
        return Array(JUnitWriter.document(try testCases(store: store, build: build), name: "testfleet build \(build)").utf8)
    }

    /// Writes the build's JUnit XML to `path`; a write failure is an infrastructure error (3).
    public static func write(store: Store, build: String, to path: String) throws {
        let cases = try testCases(store: store, build: build)
        do { try JUnitWriter.write(cases, to: path, name: "testfleet build \(build)") } catch {
            throw TestfleetError.infrastructure("cannot write JUnit XML to \(path): \(error)")
        }
    }
}
