public import Model
import Foundation

/// The `go` adapter: a Go module's tests, run through `go test`.
///
/// - Inventory: `go test -list '.*' ./...`; names are package-qualified, `pkg/path.TestName`
///   (tests, examples and fuzz targets; benchmarks are left out since `-run` never runs them).
///   Subtests (`t.Run`) exist only at run time: they are part of their parent, whose result
///   go derives from them, and their output is the parent's output.
/// - A batch: per package, `go test -json -count=1 -timeout T -run '^(A|B)$' pkg`; results from
///   the `-json` events (`GoTestEventStream`). `-count=1` because go would otherwise replay a
///   cached pass, and a flaky-test analyser needs real runs.
/// - A package that does not build: every requested test of it is an `.error` with the build
///   output. A panic ends a test binary: the panicking test fails, and the tests it never
///   reached run again in a fresh process; a test that started and never ended is an `.error`.
public struct GoTestAdapter: TestAdapter {
    public var runner: ProcessRunner
    /// Stops the running batch early (a draining worker); its unreported tests become `.error`.
    public var cancellation: RunCancellation?
    /// Seconds allowed on top of the tests' own timeouts for go to compile a package.
    public var buildTimeout: Double

    public init(runner: ProcessRunner = ProcessRunner(), cancellation: RunCancellation? = nil, buildTimeout: Double = 1800) {
        self.runner = runner
        self.cancellation = cancellation
        self.buildTimeout = buildTimeout
    }

    /// `go test` of a compiled package binary starts in about half a second; with warm go (on
    /// unless `TESTFLEET_WARM=0`, as for the worker) a grant starts a binary already compiled:
    /// tens of milliseconds per package. 0.1 keeps a first build's even split per worker.
    public var grantCost: Double { WarmSetting.enabled ? 0.1 : 0.5 }
    /// Unit tests take milliseconds (see `PytestAdapter.typicalTestSeconds`).
    public var typicalTestSeconds: Double? { 0.05 }
    /// Go sources and the module files decide what `go test -list` finds.
    public var inventoryFileExtensions: Set<String>? { ["go", "mod", "sum"] }

    /// The module's tests in `go test -list` order. A package that does not compile, or a `go`
    /// that cannot be started, is a bad-input `TestfleetError` naming the suite and go's output.
    public func inventory(of suite: SuiteDefinition) throws -> [String] {
        let scratch = SwiftGoConsoleCapture.makeTemporaryDirectory(prefix: "testfleet-go")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let (run, text) = try SwiftGoConsoleCapture.list(
            words(suite) + ["test", "-list", ".*", "./..."], tool: "go", suite: suite, scratch: scratch, runner: runner,
            timeout: buildTimeout, cancellation: cancellation)
        let listed = GoTestEventStream.parseList(text)
        guard run.succeeded, listed.failedPackages.isEmpty else {
            let which = listed.failedPackages.isEmpty ? "" : " (failing: \(listed.failedPackages.joined(separator: ", ")))"
            throw TestfleetError.badInput(
                "suite '\(suite.name)': `go test -list` failed in '\(suite.directory)'\(which); fix the build, then run again:\n\(text)\(String(decoding: run.output, as: UTF8.self))")
        }
        return listed.names
    }

    public func run(_ tests: [String], of suite: SuiteDefinition, attempt: Int, report: (AdapterResult) -> Void) {
        run(tests, of: suite, binary: { _ in nil }, report: report)
    }

    /// Runs `tests` package by package, each through the binary `binary` gives for it (nil:
    /// plain `go test`).
    func run(_ tests: [String], of suite: SuiteDefinition, binary: (String) -> GoTestBinaries.Binary?,
             report: (AdapterResult) -> Void) {
        var seen = Set<String>()
        var packages: [String] = []
        var byPackage: [String: [String]] = [:]
        for name in tests where seen.insert(name).inserted {
            guard let (package, _) = GoTestEventStream.split(name) else {
                report(Self.error(name, "'\(name)' is not a `package.TestName` go test name", cap: suite.outputCap))
                continue
            }
            if byPackage[package] == nil { packages.append(package) }
            byPackage[package, default: []].append(name)
        }
        let scratch = SwiftGoConsoleCapture.makeTemporaryDirectory(prefix: "testfleet-go")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var round = 0
        for package in packages {
            var remaining = byPackage[package] ?? []
            let compiled = remaining.isEmpty ? nil : binary(package)
            while !remaining.isEmpty {
                round += 1
                remaining = runOnce(remaining, package: package, suite: suite, console: scratch + "/run-\(round).log",
                                    binary: compiled, report: report)
            }
        }
    }

    /// Runs `names` (all of `package`) in one `go test` (or, given `binary`, one start of the
    /// package's compiled test binary under test2json: the same event stream); reports what it
    /// can and returns the tests to run again (those a panic or a hang kept from starting).
    func runOnce(
        _ names: [String], package: String, suite: SuiteDefinition, console: String, binary: GoTestBinaries.Binary? = nil,
        report: (AdapterResult) -> Void
    ) -> [String] {
        let tests = names.compactMap { GoTestEventStream.split($0)?.test }
        let testTimeout = max(1, suite.timeout * Double(names.count))
        let timeoutFlag = "\(SwiftGoConsoleCapture.seconds(testTimeout.rounded(.up)))s"
        let pattern = GoTestEventStream.runRegex(for: tests)
        let command: [String]
        let directory: String
        let allowance: Double
        if let binary {
            // What `go test -json` runs: the binary in its package's folder, through test2json.
            command = [binary.toolchain.test2json, "-t", "-p", package, binary.path, binary.toolchain.verboseFlag,
                       "-test.paniconexit0", "-test.count=1", "-test.timeout=" + timeoutFlag, "-test.run=" + pattern]
            directory = binary.directory
            allowance = 60
        } else {
            command = words(suite) + ["test", "-json", "-count=1", "-timeout", timeoutFlag, "-run", pattern, package]
            directory = suite.directory
            allowance = buildTimeout
        }
        // go's own -timeout covers the whole binary and prints where it hung; the stall watch
        // enforces the per-test timeout (no test started or ended for `timeout` seconds) once the
        // first test began, so compiling is not counted against a test.
        let run: ProcessRunner.Run
        let stalled: Bool
        do {
            (run, stalled) = try SwiftGoConsoleCapture.run(
                command, consoleFile: console, runner: runner, directory: directory,
                environment: suite.environment, timeout: testTimeout + allowance, cancellation: cancellation,
                stall: StallWatch(seconds: suite.timeout, secondsBeforeFirstProgress: nil, isProgress: Self.isProgressLine))
        } catch {
            for name in names { report(Self.error(name, "cannot run go: \(error.message)", cap: suite.outputCap)) }
            return []
        }
        var stream = GoTestEventStream(outputCap: suite.outputCap)
        SwiftGoConsoleCapture.forEachLine(inFile: console) { stream.feed($0) }
        let how = SwiftTestAdapter.describe(run, stalledAfter: stalled ? suite.timeout : nil)

        var notStarted: [String] = []
        for name in names {
            guard let record = stream.records[name] else {
                notStarted.append(name)
                continue
            }
            var result = AdapterResult(
                name: name, outcome: record.outcome ?? .error, duration: record.elapsed, output: record.output.bytes,
                outputDropped: record.output.dropped, place: stream.place(of: name))
            if record.outcome == nil {
                result.append(stream.packageOutput[package], cap: suite.outputCap)
                result.appendNote("this test started but never finished: go test \(how)", cap: suite.outputCap)
            }
            report(result)
        }
        guard !notStarted.isEmpty else { return [] }
        let started = notStarted.count < names.count
        let crashed = stream.packageOutcomes[package] != .passed
        if started && (crashed || stalled) && !run.cancelled && (!run.timedOut || stalled) {
            return notStarted
        }
        // No event for this test: the package did not build, or go never reached the test.
        let reason: String
        if !started {
            reason = "go test reported no test of package '\(package)' (it did not build, or has no such test): go test \(how)"
        } else {
            reason = "go test never ran this test: go test \(how)"
        }
        for name in notStarted {
            var result = AdapterResult(name: name, outcome: .error, duration: 0, output: stream.looseOutput.bytes,
                                       outputDropped: stream.looseOutput.dropped)
            result.append(stream.packageOutput[package], cap: suite.outputCap)
            result.appendNote(reason, cap: suite.outputCap)
            report(result)
        }
        return []
    }

    func words(_ suite: SuiteDefinition) -> [String] {
        SwiftGoConsoleCapture.words(of: suite.command, fallback: "go")
    }

    /// A `-json` event of a test starting or ending (subtests included).
    static let isProgressLine: @Sendable (Substring) -> Bool = { line in
        line.hasPrefix("{")
            && (line.contains(#""Action":"run""#) || line.contains(#""Action":"pass""#)
                || line.contains(#""Action":"fail""#) || line.contains(#""Action":"skip""#))
    }

    static func error(_ name: String, _ note: String, cap: Int) -> AdapterResult {
        SwiftTestAdapter.error(name, note, cap: cap)
    }
}

extension AdapterResult {
    /// Appends a package's own output (within `cap`, dropping the oldest bytes).
    fileprivate mutating func append(_ extra: OutputTail?, cap: Int) {
        guard let extra, extra.total > 0 else { return }
        var tail = OutputTail(capacity: cap)
        tail.append(output)
        tail.append(extra.bytes)
        output = tail.bytes
        outputDropped += tail.dropped + extra.dropped
    }
}
