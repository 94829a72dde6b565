import Foundation
import Model

/// Reads `go test -json` output one line at a time (the test2json event stream), e.g.
///
///     {"Time":"…","Action":"run","Package":"example.com/fixture/mathx","Test":"TestTable"}
///     {"Time":"…","Action":"output","Package":"example.com/fixture/mathx","Test":"TestTable/zero","Output":"=== RUN   TestTable/zero\n"}
///     {"Time":"…","Action":"pass","Package":"example.com/fixture/mathx","Test":"TestTable","Elapsed":0.01}
///
/// and keeps one record per top-level test, named `package.TestName`. Subtests
/// (`TestTable/zero`) exist only at run time, so they are folded into their parent: their output
/// is the parent's output and the parent's own pass/fail (which go derives from its subtests) is
/// the result. Lines that are not JSON (Go 1.19 prints build errors as plain text on stderr,
/// `FAIL pkg [build failed]` on stdout) and Go 1.24's `build-output` events are kept separately
/// as `looseOutput`.
struct GoTestEventStream: Sendable {
    struct Record: Sendable {
        /// Nil while the test has started but not ended (a panic elsewhere, a timeout, a kill).
        var outcome: Outcome?
        var elapsed: Double
        var output: OutputTail
        /// Seconds into the day of the test's first event (its `run`), from the event's `Time`.
        var started: Double?
        /// Its place among its package's top-level tests in run order (`RunPlace.position`):
        /// from its `run` event, or its last `cont` for a parallel test that paused. Nil when
        /// no `run` was seen.
        var position: Int?
    }

    /// By `package.TestName`.
    private(set) var records: [String: Record] = [:]
    /// A package's own verdict (`ok`/`FAIL`), by import path.
    private(set) var packageOutcomes: [String: Outcome] = [:]
    /// Output that belongs to a package but no test (the `FAIL pkg 0.01s` line, a timeout panic
    /// in Go 1.19, `TestMain` prints), by import path.
    private(set) var packageOutput: [String: OutputTail] = [:]
    /// Lines that are not events.
    private(set) var looseOutput: OutputTail
    private let outputCap: Int
    /// Each package's test binary is a process of its own: its identity (`RunPlace.process`),
    /// and how many top-level tests started in it so far.
    private(set) var processes: [String: Int64] = [:]
    private var started: [String: Int] = [:]

    init(outputCap: Int) {
        self.outputCap = outputCap
        looseOutput = OutputTail(capacity: outputCap)
    }

    /// One test2json event; unknown fields are ignored.
    struct Event: Decodable {
        var Action: String
        var Package: String?
        var Test: String?
        var Output: String?
        var Elapsed: Double?
        var Time: String?
    }

    /// Feeds one line (without its newline).
    mutating func feed(_ line: Substring) {
        guard line.first == "{", let event = try? JSONDecoder().decode(Event.self, from: Data(line.utf8)) else {
            looseOutput.append(Array(line.utf8) + [10])
            return
        }
        apply(event)
    }

    mutating func apply(_ event: Event) {
        // Go 1.24+ reports build errors as events of their own (`"ImportPath":"m/p [m/p.test]",
        // "Action":"build-output"`) where 1.19 printed plain text; both land in `looseOutput`.
        if event.Action == "build-output" {
            if let text = event.Output { looseOutput.append(Array(text.utf8)) }
            return
        }
        let package = event.Package ?? ""
        guard let test = event.Test, !test.isEmpty else {
            switch event.Action {
            case "output":
                if let text = event.Output {
                    packageOutput[package, default: OutputTail(capacity: outputCap)].append(Array(text.utf8))
                }
            case "pass": packageOutcomes[package] = .passed
            case "fail": packageOutcomes[package] = .failed
            case "skip": packageOutcomes[package] = .skipped
            default: break
            }
            return
        }
        let topLevel = test.split(separator: "/", maxSplits: 1).first.map(String.init) ?? test
        let key = Self.name(package: package, test: topLevel)
        let isSubtest = topLevel != test
        if records[key] == nil {
            records[key] = Record(outcome: nil, elapsed: 0, output: OutputTail(capacity: outputCap),
                                  started: event.Time.flatMap(Self.secondsIntoDay))
        }
        switch event.Action {
        case "run" where !isSubtest, "cont" where !isSubtest:
            // A package's top-level tests run one at a time in source order (a parallel one
            // resumes after the serial ones: its `cont`), so this order is the process's.
            if processes[package] == nil { processes[package] = RunPlace.newProcess() }
            records[key]?.position = started[package, default: 0]
            started[package, default: 0] += 1
        case "output":
            if let text = event.Output { records[key]?.output.append(Array(text.utf8)) }
        case "pass", "fail", "skip":
            guard !isSubtest else { break }
            records[key]?.outcome = event.Action == "pass" ? .passed : event.Action == "fail" ? .failed : .skipped
            // The wall time from `run` to the verdict when longer than go's own figure: go 1.19
            // reports a parent of parallel subtests as taking 0.01 s when they took a second, and
            // the scheduler needs what the test costs a worker.
            var wall = 0.0
            if let started = records[key]?.started, let ended = event.Time.flatMap(Self.secondsIntoDay) {
                wall = ended >= started ? ended - started : ended + 86_400 - started
            }
            records[key]?.elapsed = max(event.Elapsed ?? 0, wall)
        default:
            break  // run, pause, cont, bench
        }
    }

    /// Where `name`'s test ran: its package's process and its position there (nil when it never
    /// started).
    func place(of name: String) -> RunPlace? {
        guard let position = records[name]?.position, let package = Self.split(name)?.package,
              let process = processes[package] else { return nil }
        return RunPlace(process: process, position: position)
    }

    /// `2026-11-26T23:35:17.097319317Z` (any zone suffix) → seconds since that day's midnight in
    /// the stamp's own zone: differences within one stream are all that is needed.
    static func secondsIntoDay(_ stamp: String) -> Double? {
        guard let t = stamp.firstIndex(of: "T") else { return nil }
        let clock = stamp[stamp.index(after: t)...].prefix { $0.isNumber || $0 == ":" || $0 == "." }
        let parts = clock.split(separator: ":")
        guard parts.count == 3, let hours = Double(parts[0]), let minutes = Double(parts[1]),
              let seconds = Double(parts[2]) else { return nil }
        return hours * 3600 + minutes * 60 + seconds
    }

    /// `example.com/fixture/mathx` + `TestAdd` → `example.com/fixture/mathx.TestAdd`.
    static func name(package: String, test: String) -> String { package + "." + test }

    /// Splits `package.TestName` at its last dot (test names are Go identifiers, import paths
    /// may contain dots: `gopkg.in/yaml.v3.TestX`). Nil for a name without a package.
    static func split(_ name: String) -> (package: String, test: String)? {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        let test = String(name[name.index(after: dot)...])
        guard !test.isEmpty, test.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        return (String(name[..<dot]), test)
    }

    /// The tests in `go test -list '.*' ./...` output, package-qualified, in order. The test
    /// names of a package come before its `ok  <package>  0.002s` line. Benchmarks are left out:
    /// `-run` never runs them. Returns the packages that failed (`FAIL <package> [build failed]`)
    /// alongside.
    static func parseList(_ text: String) -> (names: [String], failedPackages: [String]) {
        var names: [String] = []
        var failed: [String] = []
        var pending: [String] = []
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = String(rawLine)
            let fields = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            if fields.count == 1, isListedTest(line) {
                pending.append(line)
            } else if fields.count >= 2, fields[0] == "ok" {
                names += pending.map { name(package: String(fields[1]), test: $0) }
                pending = []
            } else if fields.count >= 2, fields[0] == "FAIL" {
                failed.append(String(fields[1]))
                pending = []
            }
        }
        return (names, failed)
    }

    /// `TestX`, `ExampleX`, `FuzzX` (identifiers); not `BenchmarkX`.
    static func isListedTest(_ line: String) -> Bool {
        guard line.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return false }
        return line.hasPrefix("Test") || line.hasPrefix("Example") || line.hasPrefix("Fuzz")
    }

    /// `^(A|B)$` for `-run`.
    static func runRegex(for tests: [String]) -> String {
        "^(" + tests.map(SwiftTestNames.escape).joined(separator: "|") + ")$"
    }
}
