public import Model
import Foundation
import JUnit
public import Selection
public import SelectionSources

/// The `swift` adapter: a Swift package's XCTest and Swift Testing tests, run through SwiftPM.
///
/// - Inventory: `swift build --build-tests`, then `swift test list`. Names as listed:
///   `Module.Class/test` (XCTest), `Module.Suite/test()` and `Module.test()` (Swift Testing).
/// - A batch: one build (`swift build --build-tests`, which takes SwiftPM's lock on `.build`, so
///   workers sharing a directory build once and wait for each other only while building; skipped
///   when this or an earlier worker, or a run's inventory, built the same sources already, see
///   `SwiftBuildStamp`), then
///   one `swift test --skip-build --ignore-lock --filter REGEX --xunit-output FILE` for the whole
///   batch. `--ignore-lock` lets several workers run tests from one build at once; without it a
///   running `swift test` holds the lock and serialises them.
/// - Results: XCTest from its console lines (`SwiftXCTestConsole`; the XCTest xUnit file exists
///   only with `--parallel` and reports skips as passes), Swift Testing from the xUnit file it
///   writes next to FILE, `FILE-swift-testing.xml`.
/// - A crash or kill in the middle of XCTest: the test that was running is an `.error` with the
///   crash output; the tests XCTest had not reached yet run again in a fresh process. A Swift
///   Testing process that dies writes no xUnit file; its tests then run one per process, so one
///   crashing test does not take the rest of the batch with it.
///
/// Build time dominates: a clean debug build of even a tiny package takes seconds to minutes,
/// an up-to-date check about 0.3 s, and a `swift test` start about 0.3 s, so batches should be big.
public struct SwiftTestAdapter: TestAdapter {
    public var runner: ProcessRunner
    /// Stops the running batch early (a draining worker); its unreported tests become `.error`.
    public var cancellation: RunCancellation?
    /// Seconds allowed for `swift build --build-tests`.
    public var buildTimeout: Double
    /// Skip the build step when the package was built (by this process, or one sharing its
    /// cache) and neither its sources nor its test products changed since (`SwiftBuildStamp`).
    public var reuseBuilds: Bool

    public init(
        runner: ProcessRunner = ProcessRunner(), cancellation: RunCancellation? = nil, buildTimeout: Double = 1800,
        reuseBuilds: Bool = true
    ) {
        self.runner = runner
        self.cancellation = cancellation
        self.buildTimeout = buildTimeout
        self.reuseBuilds = reuseBuilds
    }

    /// A grant is one `swift test --skip-build`: SwiftPM loads the package (its manifests from
    /// SwiftPM's cache) and lists the bundle's tests before the first one runs, about 0.5 s
    /// (swift-algorithms, this machine). The build itself is once per worker, not per grant.
    public var grantCost: Double { 0.5 }
    /// Unit tests take milliseconds (see `PytestAdapter.typicalTestSeconds`).
    public var typicalTestSeconds: Double? { 0.05 }
    /// Swift sources and the resolved packages decide what `swift test list` finds.
    public var inventoryFileExtensions: Set<String>? { ["swift", "resolved"] }

    /// The listed tests, in `swift test list` order. A package that does not build, or a
    /// `swift` that cannot be started, is a bad-input `TestfleetError` naming the suite and the tool's output.
    public func inventory(of suite: SuiteDefinition) throws -> [String] {
        try SwiftTemporaryDirectories.shared.withDirectory { directory in
            try listTests(of: SwiftTemporaryDirectories.suite(suite, in: directory))
        }
    }

    private func listTests(of suite: SuiteDefinition) throws -> [String] {
        let scratch = SwiftGoConsoleCapture.makeTemporaryDirectory(prefix: "testfleet-swift")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        if let failure = build(suite, scratch: scratch) {
            throw TestfleetError.badInput("suite '\(suite.name)': \(failure.note) in '\(suite.directory)':\n\(String(decoding: failure.output, as: UTF8.self))")
        }
        let (run, text) = try SwiftGoConsoleCapture.list(
            words(suite) + ["test", "list", "--skip-build", "--ignore-lock"], tool: "swift", suite: suite, scratch: scratch,
            runner: runner, timeout: buildTimeout, cancellation: cancellation)
        guard run.succeeded else {
            throw TestfleetError.badInput("suite '\(suite.name)': `swift test list` failed in '\(suite.directory)' (\(Self.describe(run))):\n\(text)\(String(decoding: run.output, as: UTF8.self))")
        }
        return SwiftTestNames.parseList(text)
    }

    public func run(_ tests: [String], of suite: SuiteDefinition, attempt: Int, report: (AdapterResult) -> Void) {
        SwiftTemporaryDirectories.shared.withDirectory { directory in
            runGrant(tests, of: SwiftTemporaryDirectories.suite(suite, in: directory), report: report)
        }
    }

    private func runGrant(_ tests: [String], of suite: SuiteDefinition, report: (AdapterResult) -> Void) {
        var seen = Set<String>()
        let unique = tests.filter { seen.insert($0).inserted }
        let valid = unique.filter(SwiftTestNames.isTestName)
        for name in unique where !SwiftTestNames.isTestName(name) {
            report(Self.error(name, "'\(name)' is not a `swift test list` name (Module.Class/test or Module.Suite/test())", cap: suite.outputCap))
        }
        guard !valid.isEmpty else { return }

        let scratch = SwiftGoConsoleCapture.makeTemporaryDirectory(prefix: "testfleet-swift")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        if let failure = build(suite, scratch: scratch) {
            for name in valid {
                var result = AdapterResult(name: name, outcome: .error, duration: 0, output: failure.output, outputDropped: failure.dropped)
                result.appendNote("\(failure.note); the test could not run", cap: suite.outputCap)
                report(result)
            }
            return
        }

        // Work list of batches; a crash can add follow-up batches (the rest, or one test each).
        var batches = Self.runGroups(valid).map { Batch(names: $0) }
        var round = 0
        while !batches.isEmpty {
            let batch = batches.removeFirst()
            round += 1
            batches += runBatch(batch, suite: suite, scratch: scratch, round: round, report: report)
        }
    }

    /// One `swift test` invocation and what it left to run again.
    struct Batch {
        var names: [String]
        /// Swift Testing tests of this batch already ran one per process: do not split again.
        var isolated = false
    }

    private func runBatch(
        _ batch: Batch, suite: SuiteDefinition, scratch: String, round: Int, report: (AdapterResult) -> Void
    ) -> [Batch] {
        let console = scratch + "/run-\(round).log"
        let xunit = scratch + "/xunit-\(round).xml"
        let arguments = [
            "test", "--skip-build", "--ignore-lock", "--filter", SwiftTestNames.filterRegex(for: batch.names),
            "--xunit-output", xunit,
        ]
        // The per-test timeout is enforced by the stall watch (no test started or ended for
        // `timeout` seconds; `startup` more before the first); the whole-batch limit is only a
        // backstop.
        let startup = 60.0
        let timeout = suite.timeout * Double(batch.names.count) + startup
        let run: ProcessRunner.Run
        let stalled: Bool
        do {
            (run, stalled) = try SwiftGoConsoleCapture.run(
                words(suite) + arguments, consoleFile: console, runner: runner, directory: suite.directory,
                environment: suite.environment, timeout: timeout, cancellation: cancellation,
                stall: StallWatch(
                    seconds: suite.timeout, secondsBeforeFirstProgress: suite.timeout + startup,
                    isProgress: Self.isProgressLine, endsAProcess: SwiftXCTestConsole.isEndOfRun),
                lineBuffered: true)
        } catch {
            for name in batch.names { report(Self.error(name, "cannot run swift: \(error.message)", cap: suite.outputCap)) }
            return []
        }

        var xctest = SwiftXCTestConsole(outputCap: suite.outputCap)
        SwiftGoConsoleCapture.forEachLine(inFile: console) { xctest.feed($0) }
        let how = Self.describe(run, stalledAfter: stalled ? suite.timeout : nil)
        var followUp: [Batch] = []

        // XCTest: the console knows which tests ended, which one was running, which never began.
        let xctestNames = batch.names.filter { !SwiftTestNames.isSwiftTesting($0) }
        var notStarted: [String] = []
        var progress = false
        for name in xctestNames {
            guard let key = SwiftTestNames.xctestConsoleKey(of: name), let record = xctest.records[key] else {
                notStarted.append(name)
                continue
            }
            progress = true
            guard let outcome = record.outcome else {
                // SwiftPM relays the test process's stdout and stderr separately, so a crash
                // message can land before the test's `started` line: give the console's tail.
                report(errorWithConsole(
                    name, "this test started but never finished: swift test \(how)", console: console, cap: suite.outputCap))
                continue
            }
            report(AdapterResult(
                name: name, outcome: outcome, duration: record.duration, output: record.output.bytes,
                outputDropped: record.output.dropped, place: xctest.place(of: key)))
        }
        let abnormal = run.timedOut || run.signal != nil || xctest.current != nil || !xctest.finished
        if !notStarted.isEmpty {
            if progress && abnormal && !run.cancelled {
                followUp.append(Batch(names: notStarted))
            } else {
                let reason = abnormal
                    ? "XCTest never reached this test: swift test \(how)"
                    : "swift test did not run this test: no XCTest test has this name"
                for name in notStarted { report(errorWithConsole(name, reason, console: console, cap: suite.outputCap)) }
            }
        }

        // Swift Testing: its xUnit file, written when its run ends.
        let swiftTestingNames = batch.names.filter(SwiftTestNames.isSwiftTesting)
        guard !swiftTestingNames.isEmpty else { return followUp }
        // A crash leaves no file, or a cut-off one (Swift Testing streams it).
        let cases: [JUnitTestCase]
        do {
            cases = try JUnitParser.parse(contentsOf: Self.swiftTestingXUnitPath(for: xunit))
        } catch {
            if !run.cancelled && swiftTestingNames.count > 1 && !batch.isolated {
                // Which test took the process down is unknown: give each its own process.
                followUp += swiftTestingNames.map { Batch(names: [$0], isolated: true) }
            } else {
                for name in swiftTestingNames {
                    report(errorWithConsole(
                        name, "Swift Testing left no readable results (\(error)): swift test \(how)", console: console,
                        cap: suite.outputCap))
                }
            }
            return followUp
        }
        var byKey: [String: JUnitTestCase] = [:]
        for testCase in cases {
            let key = Self.swiftTestingKey(of: testCase)
            if var earlier = byKey[key] {
                // Overloads share a name: one result, failed if any failed.
                if testCase.outcome.isFailure || earlier.outcome == .skipped { earlier.outcome = testCase.outcome }
                earlier.message = [earlier.message, testCase.message].compactMap { $0 }.joined(separator: "\n")
                earlier.output += testCase.output
                earlier.duration += testCase.duration
                byKey[key] = earlier
            } else {
                byKey[key] = testCase
            }
        }
        for name in swiftTestingNames {
            guard let testCase = byKey[SwiftTestNames.swiftTestingKey(of: name)] else {
                report(errorWithConsole(
                    name, "swift test did not report this test (no Swift Testing test has this name); swift test \(how)",
                    console: console, cap: suite.outputCap))
                continue
            }
            report(Self.result(name, testCase, cap: suite.outputCap))
        }
        return followUp
    }

    /// Builds the package and its tests; nil when that worked.
    private func build(_ suite: SuiteDefinition, scratch: String) -> (note: String, output: [UInt8], dropped: Int)? {
        // The lent TMPDIR (`SwiftTemporaryDirectories`) changes nothing a build makes.
        let key = ([suite.directory] + words(suite)
            + suite.environment.filter { $0.key != "TMPDIR" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
            .joined(separator: "\u{0}")
        let sources = reuseBuilds ? SwiftBuildStamp.sources(of: suite.directory) : ""
        if reuseBuilds,
            SwiftBuildStamp.shared.isBuilt(key, fingerprint: sources + "|" + SwiftBuildStamp.products(of: suite.directory))
        {
            return nil
        }
        let log = scratch + "/build.log"
        let run: ProcessRunner.Run
        do {
            run = try SwiftGoConsoleCapture.run(
                words(suite) + ["build", "--build-tests"], consoleFile: log, runner: runner, directory: suite.directory,
                environment: suite.environment, timeout: buildTimeout, cancellation: cancellation
            ).run
        } catch {
            return ("cannot run swift (\(error.message))", [], 0)
        }
        if run.succeeded {
            if reuseBuilds {
                SwiftBuildStamp.shared.markBuilt(key, fingerprint: sources + "|" + SwiftBuildStamp.products(of: suite.directory))
            }
            return nil
        }
        let tail = SwiftGoConsoleCapture.tail(ofFile: log, cap: suite.outputCap)
        return ("`swift build --build-tests` failed (\(Self.describe(run)))", tail.bytes + run.output, tail.dropped)
    }

    private func words(_ suite: SuiteDefinition) -> [String] {
        SwiftGoConsoleCapture.words(of: suite.command, fallback: "swift")
    }

    /// Where Swift 6.x puts Swift Testing's xUnit file for `--xunit-output path`.
    static func swiftTestingXUnitPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let stem = url.deletingPathExtension().lastPathComponent
        let ext = url.pathExtension
        return url.deletingLastPathComponent()
            .appendingPathComponent(stem + "-swift-testing" + (ext.isEmpty ? "" : "." + ext)).path
    }

    /// Splits a batch where two modules have an XCTest class of the same name (XCTest's console
    /// prints `Class.test` without the module), then into runs with a bounded filter regex.
    static func runGroups(_ names: [String]) -> [[String]] {
        var moduleOfKey: [String: Substring] = [:]
        var collision = false
        for name in names {
            guard let key = SwiftTestNames.xctestConsoleKey(of: name) else { continue }
            let module = SwiftTestNames.module(of: name)
            if let other = moduleOfKey[key], other != module { collision = true }
            moduleOfKey[key] = module
        }
        var groups = [names]
        if collision {
            var order: [Substring] = []
            var byModule: [Substring: [String]] = [:]
            for name in names {
                let module = SwiftTestNames.module(of: name)
                if byModule[module] == nil { order.append(module) }
                byModule[module, default: []].append(name)
            }
            groups = order.map { byModule[$0]! }
        }
        return groups.flatMap { SwiftTestNames.chunks(of: $0) }
    }

    /// `classname.name` of a Swift Testing `<testcase>`: equal to
    /// `SwiftTestNames.swiftTestingKey(of:)` of the listed name (`Module.Outer.Inner` + `test()`).
    static func swiftTestingKey(of testCase: JUnitTestCase) -> String {
        testCase.classname.isEmpty ? testCase.testName : testCase.classname + "." + testCase.testName
    }

    /// A Swift Testing testcase as a result; its failure and skip messages are its output.
    static func result(_ name: String, _ testCase: JUnitTestCase, cap: Int) -> AdapterResult {
        var text = ""
        if let message = testCase.message, !message.isEmpty { text += "\(testCase.outcome.rawValue): \(message)\n" }
        if !testCase.output.isEmpty { text += testCase.output + (testCase.output.hasSuffix("\n") ? "" : "\n") }
        var tail = OutputTail(capacity: cap)
        tail.append(Array(text.utf8))
        return AdapterResult(
            name: name, outcome: testCase.outcome, duration: testCase.duration, output: tail.bytes,
            outputDropped: tail.dropped)
    }

    private func errorWithConsole(_ name: String, _ note: String, console: String, cap: Int) -> AdapterResult {
        let tail = SwiftGoConsoleCapture.tail(ofFile: console, cap: cap)
        var result = AdapterResult(name: name, outcome: .error, duration: 0, output: tail.bytes, outputDropped: tail.dropped)
        result.appendNote(note, cap: cap)
        return result
    }

    static func error(_ name: String, _ note: String, cap: Int) -> AdapterResult {
        var result = AdapterResult(name: name, outcome: .error, duration: 0)
        result.appendNote(note, cap: cap)
        return result
    }

    /// A console line that shows a test starting or ending, in XCTest's or Swift Testing's words.
    static let isProgressLine: @Sendable (Substring) -> Bool = { line in
        line.hasPrefix("Test Case '") || line.hasPrefix("◇ Test ") || line.hasPrefix("✔ Test ")
            || line.hasPrefix("✘ Test ") || line.hasPrefix("➜ Test ")
    }

    /// How a run ended, for notes: `exited with status 1`, `was killed by signal 9`, ….
    static func describe(_ run: ProcessRunner.Run, stalledAfter: Double? = nil) -> String {
        if let stalledAfter {
            return "saw no test start or finish for \(SwiftGoConsoleCapture.seconds(stalledAfter))s (the suite's per-test timeout) and was killed"
        }
        if run.timedOut { return "timed out after \(SwiftGoConsoleCapture.seconds(run.duration.rounded()))s and was killed" }
        if run.cancelled { return "was cancelled" }
        if let signal = run.signal { return "was killed by signal \(signal)" }
        return "exited with status \(run.exitStatus ?? -1)"
    }
}

extension SwiftTestAdapter: ImpactProvider {
    /// The suite's tests are its package's test targets; target dependencies decide what a change
    /// reaches.
    public func impactSuite(_ suite: SuiteDefinition, directory: String, sources: inout ImpactSources)
        throws(TestfleetError) -> ImpactSuite
    {
        .swift(name: suite.name, directory: directory, targets: try SwiftPackageDescription.targets(packageDirectory: suite.directory))
    }
}
