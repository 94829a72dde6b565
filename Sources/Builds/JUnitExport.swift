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
        let suites = try store.suites(build: build)
        let membership = SuiteMembership(suites, fallback: record.spec.suite, simulated: record.simulated)
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
            let suite = membership.suite(of: final.test)
            let (classname, name) = JUnitNaming.split(final.test, adapter: suite.adapter, suite: suite.name)
            cases.append(JUnitTestCase(
                classname: classname, testName: name, suite: suite.label, outcome: final.outcome, duration: final.duration,
                earlierAttempts: earlier.map(\.outcome), output: output))
            start = end
        }
        // One <testsuite> per suite, in plan order (the writer groups by first appearance).
        return cases.enumerated().sorted { (membership.order[$0.element.suite] ?? 0, $0.offset) < (membership.order[$1.element.suite] ?? 0, $1.offset) }
            .map(\.element)
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

/// Which suite each test of a stored build belongs to, for the export's <testsuite> elements.
struct SuiteMembership {
    struct Suite {
        var name: String
        var adapter: AdapterKind?
        /// The <testsuite name>: the suite's name, marked when simulated.
        var label: String
    }

    let suites: [Suite]
    var byTest: [String: Int] = [:]
    /// Label → position, so suites come out in plan order.
    var order: [String: Int] = [:]

    init(_ stored: [StoredSuite], fallback: String, simulated: Bool) {
        let mark = simulated ? " (SIMULATED)" : ""
        var suites = stored.map { Suite(name: $0.name, adapter: $0.adapter, label: $0.name + mark) }
        // An ingested build (or one stored before suites were recorded) is one suite named by its spec.
        if suites.isEmpty { suites = [Suite(name: fallback, adapter: nil, label: fallback + mark)] }
        self.suites = suites
        for (position, suite) in stored.enumerated() {
            for test in suite.tests ?? [] { byTest[test] = position }
        }
        for (position, suite) in suites.enumerated() where order[suite.label] == nil { order[suite.label] = position }
    }

    func suite(of test: String) -> Suite { suites[byTest[test] ?? 0] }
}
