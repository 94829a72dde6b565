import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import JUnit

/// `bench/run junit-ingest [COUNT] [RUNS]`: parses a **synthetic** JUnit XML file of COUNT
/// test cases (default 1,000,000) RUNS times (default 3) and reports test cases per second
/// (median). Target: ≥ 200,000 test cases/s. Baseline in the same run: Foundation's SAX
/// `XMLParser` (libxml2) over the same file, only counting `<testcase>` elements (`--no-baseline`
/// skips it). The file mixes what real files hold: 100 test cases
/// per `<testsuite>`, ~2 % failures with a CDATA stack trace and `<system-out>`, ~3 % skips,
/// 0.5 % errors, 0.5 % Surefire `<flakyFailure>` reruns, entities in names. Then the whole
/// `testfleet ingest junit` command (parse, convert, one SQLite transaction, verdict) RUNS times
/// on the same file, each into a fresh store: that is the ≥ 200,000/s figure; the parse-only
/// median is its same-run baseline.
enum JUnitIngestBench {
    static func run(_ arguments: [String]) throws {
        let numbers = arguments.compactMap(Int.init)
        let count = numbers.first ?? 1_000_000
        let runs = max(1, numbers.dropFirst().first ?? 3)
        let baseline = !arguments.contains("--no-baseline")
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("testfleet-synthetic-junit-\(getpid()).xml").path
        defer { try? FileManager.default.removeItem(atPath: path) }

        let generateStart = Date()
        let data = syntheticDocument(count: count)
        try data.write(to: URL(fileURLWithPath: path))
        print("synthetic JUnit file: \(count) test cases, \(data.count / 1_000_000) MB, written in "
              + String(format: "%.2f s", Date().timeIntervalSince(generateStart)))

        var seconds: [Double] = []
        var parsed = 0
        var failed = 0
        for run in 1...runs {
            let start = DispatchTime.now().uptimeNanoseconds
            let cases = try JUnitParser.parse(contentsOf: path)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            parsed = cases.count
            failed = cases.filter { $0.outcome.isFailure }.count
            seconds.append(elapsed)
            print(String(format: "run %d: parsed %d test cases in %.3f s = %.0f test cases/s", run, parsed, elapsed,
                         Double(parsed) / elapsed))
        }
        guard parsed == count else { throw SpecMismatch("parsed \(parsed) test cases, generated \(count)") }
        let median = seconds.sorted()[seconds.count / 2]
        let rate = Double(count) / median
        print(String(format: "median %.3f s: %.0f test cases/s (target ≥ 200000), %d failed or errored", median, rate, failed))
        var baselineSeconds = -1.0
        if baseline {
            let start = DispatchTime.now().uptimeNanoseconds
            let counted = try foundationCount(path)
            baselineSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            print(String(format: "baseline Foundation XMLParser (count only): %d test cases in %.3f s = %.0f/s; time ratio baseline/ours %.2f (> 1: ours faster)",
                         counted, baselineSeconds, Double(counted) / baselineSeconds, baselineSeconds / median))
        }
        // End to end: the real `testfleet ingest junit` process (release binary beside this one)
        // into a fresh SQLite store per run; the parse-only median above is the same-run baseline.
        let e2e = try endToEnd(path: path, count: count, runs: runs)
        let e2eMedian = e2e.isEmpty ? -1 : e2e.sorted()[e2e.count / 2]
        if !e2e.isEmpty {
            print(String(format: "end to end `testfleet ingest junit` into SQLite: median %.3f s = %.0f test cases/s (target ≥ 200000); parse alone %.3f s (%.0f%% of it)",
                         e2eMedian, Double(count) / e2eMedian, median, 100 * median / e2eMedian))
        }
        print("{\"benchmark\":\"junit-ingest\",\"synthetic\":true,\"testcases\":\(count),\"bytes\":\(data.count),"
              + "\"e2e_median_seconds\":\(String(format: "%.4f", e2eMedian)),"
              + "\"e2e_testcases_per_second\":\(e2eMedian > 0 ? Int(Double(count) / e2eMedian) : -1),"
              + "\"runs\":\(runs),\"median_seconds\":\(String(format: "%.4f", median)),"
              + "\"testcases_per_second\":\(Int(rate)),\"target_per_second\":200000,"
              + "\"baseline_foundation_xmlparser_seconds\":\(String(format: "%.4f", baselineSeconds))}")
    }

    /// Runs `testfleet ingest junit FILE --json` RUNS times, each into a new store, checking the
    /// count it reports and the rows stored; returns the wall seconds of each run.
    static func endToEnd(path: String, count: Int, runs: Int) throws -> [Double] {
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let binary = ProcessInfo.processInfo.environment["TESTFLEET_BIN"]
            ?? me.deletingLastPathComponent().appendingPathComponent("testfleet").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            print("no testfleet binary at \(binary): end-to-end ingest skipped")
            return []
        }
        var seconds: [Double] = []
        for run in 1...runs {
            let db = path + "-\(run).db"
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) } }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["ingest", "junit", path, "--commit", "bench", "--build", "bench-\(run)", "--db", db, "--json"]
            let pipe = Pipe()
            process.standardOutput = pipe
            let start = DispatchTime.now().uptimeNanoseconds
            try process.run()
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let text = String(decoding: output, as: UTF8.self)
            guard process.terminationStatus == 0, text.contains("\"testcases\": \(count),") else {
                throw SpecMismatch("ingest run \(run) exited \(process.terminationStatus) and printed: \(text)")
            }
            seconds.append(elapsed)
            print(String(format: "ingest run %d: %.3f s = %.0f test cases/s, %@", run, elapsed, Double(count) / elapsed,
                         text.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        return seconds
    }

    /// The baseline: libxml2 through Foundation's SAX parser, counting test cases only.
    static func foundationCount(_ path: String) throws -> Int {
        final class Counter: NSObject, XMLParserDelegate {
            var testcases = 0
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                        qualifiedName: String?, attributes: [String: String] = [:]) {
                if name == "testcase" { testcases += 1 }
            }
        }
        guard let parser = XMLParser(contentsOf: URL(fileURLWithPath: path)) else { throw SpecMismatch("XMLParser cannot open \(path)") }
        let counter = Counter()
        parser.delegate = counter
        guard parser.parse() else { throw SpecMismatch("XMLParser failed: \(String(describing: parser.parserError))") }
        return counter.testcases
    }

    struct SpecMismatch: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// A deterministic synthetic document; the mix is fixed by the index, not by a random draw.
    static func syntheticDocument(count: Int) -> Data {
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"synthetic\" tests=\"\(count)\">\n"
        text.reserveCapacity(count * 130)
        var index = 0
        while index < count {
            let suite = index / 100
            text += "  <testsuite name=\"synthetic.pkg\(suite % 97).Suite\(suite)\" tests=\"100\" time=\"1.5\">\n"
            for _ in 0..<min(100, count - index) {
                let classname = "synthetic.pkg\(suite % 97).Suite\(suite)"
                let kind = index % 200
                text += "    <testcase classname=\"\(classname)\" name=\"test_case_\(index)[a&amp;b-\(index % 7)]\" time=\"0.\(index % 1000)\""
                switch kind {
                case 0..<4:
                    text += "><failure message=\"AssertionError: expected &lt;1&gt; got &lt;2&gt;\" type=\"AssertionError\">"
                        + "<![CDATA[Traceback (most recent call last):\n  File \"test.py\", line \(index % 400), in test\n    assert x == 1\nAssertionError]]>"
                        + "</failure><system-out>captured output line for \(index)\n</system-out></testcase>\n"
                case 4..<10:
                    text += "><skipped type=\"pytest.skip\" message=\"not on this platform\"/></testcase>\n"
                case 10:
                    text += "><error message=\"failed on setup\">fixture error &#x41;</error></testcase>\n"
                case 11:
                    text += "><flakyFailure message=\"timeout\" type=\"java.util.concurrent.TimeoutException\">"
                        + "<stackTrace>at Foo.bar(Foo.java:1)</stackTrace></flakyFailure></testcase>\n"
                default:
                    text += "/>\n"
                }
                index += 1
            }
            text += "  </testsuite>\n"
        }
        text += "</testsuites>\n"
        return Data(text.utf8)
    }
}
