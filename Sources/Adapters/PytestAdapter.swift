#if canImport(Glibc)
import Glibc
#endif
import Foundation
import JUnit
public import Model
public import Selection
public import SelectionSources

/// The `pytest` adapter. Tests are pytest node ids (`tests/test_x.py::TestA::test_m[ä b-1]`),
/// kept byte for byte as pytest prints them: brackets, spaces and non-ASCII intact.
///
/// - Inventory: `COMMAND --collect-only -q -p testfleet_only` in the suite's directory (which
///   should be the pytest rootdir, where its ini/pyproject lives, so node ids and arguments agree).
///   A module that fails to import becomes one test named by its path, so the build reports its
///   collection error instead of silently running fewer tests.
/// - Run: **one** pytest process per call for the whole batch, node ids as arguments (through a
///   pytest `@argfile` when they exceed 100 kB; pytest ≥ 8.2), with `--junitxml=TMP
///   --continue-on-collection-errors --maxfail=2147483647 -rX -o junit_logging=all
///   -o junit_log_passing_tests=false`.
/// - Outcomes from the JUnit XML: no child → passed, `<failure>` → failed, `<error>` (fixture or
///   collection error) → error, `<skipped type="pytest.xfail">` → xfailed, other `<skipped>` →
///   skipped. pytest writes a non-strict xpass as a plain pass; the `-rX` summary's `XPASS` lines
///   turn those into xpassed (a strict xpass is a `<failure>`, so failed).
/// - Mapping back: each requested id's (classname, name) is computed with pytest's own rule
///   (`PytestNodeIDs.junitKey`) and looked up in the XML; the requested ids are the truth.
/// - A requested id pytest refuses (`not found`, `found no collectors`) makes pytest run nothing;
///   it is reported as `.error` (with its module's collection error when there is one) and the
///   batch reruns without it. An id missing from the XML is `.error` ("not reported by pytest").
/// - Warm sessions (`PytestAdapter+Warm.swift`): the worker runs first attempts through
///   `runWarm` in a pytest process it keeps per slot, suite and commit; what follows here is the
///   cold path, used for retries, confirmation runs and whatever a warm session cannot run.
/// - Timeout: the batch gets `timeout × count`, capped at `max(timeout, 2 h)`, plus
///   `startupAllowance` (30 s); when it expires pytest gets SIGINT (it then writes the XML of
///   what finished), SIGKILL after the runner's grace, and every test without a result is
///   `.error` ("pytest batch timed out").
public struct PytestAdapter: TestAdapter {
    public static let defaultCommand = "python3 -m pytest"
    public var runner: ProcessRunner
    public var cancellation: RunCancellation?
    /// Seconds added to a batch's timeout for pytest's start-up and collection.
    public var startupAllowance: Double
    /// The cache directory whose `python-bytecode` keeps pytest's rewritten modules when the
    /// environment forbids writing bytecode beside the sources (see `PythonBytecode`).
    public var cacheRoot: String
    /// The environment its processes inherit (this process's), under the suite's `env`.
    var inheritedEnvironment: [String: String] = ProcessInfo.processInfo.environment

    /// `runner`'s stop signal is replaced by SIGINT: pytest then stops like on Ctrl-C and still
    /// writes its JUnit XML, so the tests that finished before a batch timeout keep their results.
    public init(runner: ProcessRunner = ProcessRunner(terminationGrace: 5), cancellation: RunCancellation? = nil,
                startupAllowance: Double = 30, cacheRoot: String = CacheRoot.defaultPath) {
        self.runner = runner
        self.runner.stopSignal = SIGINT
        self.cancellation = cancellation
        self.startupAllowance = startupAllowance
        self.cacheRoot = cacheRoot
    }

    /// A pytest process imports its modules before the first test: half a second. With warm
    /// sessions (on unless `TESTFLEET_WARM=0`, as for the worker) a grant is a request over a
    /// pipe to a process that has imported everything: what is left is a round trip and the
    /// collection of the grant's new files, which `fileCollectionSeconds` counts per file. A
    /// build's last grants are at least 4 grant costs of work: at 0.5 one worker sat idle for
    /// 0.6 s at the end of attrs' later builds while the other ran its last 2 s grant.
    public var grantCost: Double { WarmSetting.enabled ? 0.1 : 0.5 }
    /// Unit tests take milliseconds: predicting the generic 1 s for them made a first build's
    /// chunks shrink to a couple of tests, one process start-up each.
    public var typicalTestSeconds: Double? { 0.05 }
    /// Sources, configs and conftest files decide what collection finds.
    public var inventoryFileExtensions: Set<String>? { ["py", "ini", "cfg", "toml", "txt", "json", "yaml", "yml"] }
    /// pytest collects (imports) every module a process is given: grants of runs of the
    /// collection order collect each module about once, where longest-first across modules
    /// re-collects them. `pytest
    /// --collect-only` of networkx 3.6.1 takes 5.8 s for 265 modules on this machine kind, 22 ms
    /// each; pytest's JUnit XML reports test durations without it.
    public var fileCollectionSeconds: Double? { 0.025 }
    /// pytest's JUnit XML and the warm plugin report a test's setup, call and teardown; its
    /// reporting hooks and the result's trip to the worker come on top. Measured on jinja2 3.1.4
    /// and jsonschema 4.23.0 later builds (worker busy time less collection, less the reported
    /// durations, per test): 0.4–0.6 ms. Unseen, a grant of 540 one-millisecond tests ran 0.3 s
    /// longer than one of 310 slower tests predicted the same, in a 1.7 s build.
    public var testOverheadSeconds: Double { 0.000_5 }

    public func inventory(of suite: SuiteDefinition) throws -> [String] {
        // `-q` prints node ids, unless the project's addopts already add -q (then -qq prints
        // per-file counts) or -v (then the tree): try the other verbosities before giving up.
        var lastOutput = ""
        let cache = Self.scratchDirectory("cache")
        defer { try? FileManager.default.removeItem(atPath: cache) }
        // The narrowing plugin, given no ids, only overrides what it does in every run
        // (`_own_runs`): a `--lf` in addopts lists every test, whatever the suite's cache says.
        var plugin = Self.narrowingPlugin(for: suite, cacheRoot: cacheRoot)
        for verbosity in [["-q"], [], ["-qq"]] {
            // --color=no: a `--color=yes` in the addopts (traitlets 5.14.3) colours the ERROR
            // lines that name the modules that cannot be imported, which were lost.
            let arguments = ["--collect-only", "-rfEs", "--color=no"] + verbosity
            var run = try collect(suite, arguments, plugin: plugin, cache: cache)
            if plugin != nil, PytestOnlyPlugin.wasRefused(String(decoding: run.output, as: UTF8.self)) {
                Self.refuseNarrowing(for: suite)
                plugin = nil
                run = try collect(suite, arguments, plugin: nil, cache: cache)
            }
            let output = String(decoding: run.output, as: UTF8.self)
            let parsed = PytestNodeIDs.parseCollection(output)
            // 0: collected; 2: collected with collection errors; 5: no tests; 1: collection
            // errors under --continue-on-collection-errors (a command's or addopts'), which
            // makes them "failed tests" rather than an interruption.
            guard !run.timedOut, let status = run.exitStatus,
                  [0, 2, 5].contains(status) || (status == 1 && !parsed.brokenCollectors.isEmpty)
            else {
                let why = run.timedOut ? "timed out" : run.exitStatus.map { "exit status \($0)" } ?? "signal \(run.signal ?? 0)"
                throw TestfleetError.badInput("suite '\(suite.name)': pytest --collect-only failed (\(why)) in \(suite.directory); its output ends:\n"
                                + Self.tail(output, 3000))
            }
            if status == 5 || !parsed.nodeIDs.isEmpty || !parsed.brokenCollectors.isEmpty {
                // Modules skipped at collection count as one skipped test each in a plain run
                // (`-rfEs` keeps pytest's default `fE` summary, whose ERROR lines name broken modules).
                return parsed.nodeIDs + parsed.brokenCollectors
                    + PytestNodeIDs.skippedModules(in: output, excluding: parsed.nodeIDs + parsed.brokenCollectors) {
                        PytestNodeIDs.testModules(under: $0, in: suite.directory)
                    }
            }
            lastOutput = output
        }
        throw TestfleetError.badInput("suite '\(suite.name)': pytest --collect-only printed no node ids at any verbosity; its output ends:\n"
                        + Self.tail(lastOutput, 3000))
    }

    /// One `--collect-only` run of `suite` with `arguments`, loading the narrowing `plugin`
    /// when given (its cache in `cache`; see `cacheEnvironment`).
    private func collect(_ suite: SuiteDefinition, _ arguments: [String], plugin: String?, cache: String) throws -> ProcessRunner.Run {
        var environment = environment(suite)
        let line: String
        if let plugin {
            Self.cacheEnvironment(cache, into: &environment)
            line = command(suite, arguments + ["-p", PytestOnlyPlugin.moduleName], loading: plugin, into: &environment)
        } else {
            line = command(suite, arguments + ["-p", "no:cacheprovider"])
        }
        return try runner.run(.shell(line), in: suite.directory, environment: environment, timeout: max(300, suite.timeout),
                              outputCap: 64 << 20, cancellation: cancellation)
    }

    public func run(_ tests: [String], of suite: SuiteDefinition, attempt: Int, report: (AdapterResult) -> Void) {
        // A file's collector twin (`PytestNodeIDs.collectorTwin`) is no node id pytest knows: the
        // file runs once and each twin asked for takes its result. Nor is a duplicate
        // (`PytestNodeIDs.duplicate`): its node id runs every item of that id, and each
        // duplicate asked for takes its own item's case (`PytestBatch.result(for:)`).
        var requested = Set<String>()
        var twins: [String: [String]] = [:]
        var duplicates: [String: [String]] = [:]
        var seen = Set<String>()
        var pending: [String] = []
        for id in tests where requested.insert(id).inserted {
            let twinOf = PytestNodeIDs.twinBase(of: id)
            let duplicateOf = twinOf == nil ? PytestNodeIDs.duplicateBase(of: id)?.nodeID : nil
            if let twinOf { twins[twinOf, default: []].append(id) }
            if let duplicateOf { duplicates[duplicateOf, default: []].append(id) }
            let runs = twinOf ?? duplicateOf ?? id
            if seen.insert(runs).inserted { pending.append(runs) }
        }
        /// `result` for its id if asked for, copied to each twin; each duplicate gets its own
        /// case of `batch`, or a copy where the node id has no cases (refused, never run).
        func deliver(_ result: AdapterResult, from batch: PytestBatch? = nil) {
            if requested.contains(result.name) { report(result) }
            for twin in twins[result.name] ?? [] {
                var copy = result
                copy.name = twin
                copy.place = nil  // one report's place in the process; the file's result has it
                report(copy)
            }
            for duplicate in duplicates[result.name] ?? [] {
                if let batch {
                    report(batch.result(for: duplicate, suite: suite))
                } else {
                    var copy = result
                    copy.name = duplicate
                    report(copy)
                }
            }
        }
        var narrowing = Self.narrowingPlugin(for: suite, cacheRoot: cacheRoot)
        var withinFiles = narrowing != nil && Self.runsWithinFiles(suite)
        // Each round either runs the batch, or moves to running within files, or removes at
        // least one refused id and tries again.
        for _ in 0..<8 where !pending.isEmpty {
            var batch = runBatch(pending, suite, narrowing: narrowing, withinFiles: withinFiles)
            if batch.narrowingRefused {
                Self.refuseNarrowing(for: suite)
                narrowing = nil
                withinFiles = false
                batch = runBatch(pending, suite, narrowing: nil, withinFiles: false)
            }
            let ranNothing = batch.cases.allSatisfy({ $0.classname.isEmpty && !$0.testName.contains("::") })
            if batch.refusedSome && ranNothing && narrowing != nil && !withinFiles {
                // Ids a plugin makes late in collection (`PytestOnlyPlugin.withinFilesVariable`):
                // pytest refuses them as arguments, and names the refused ones unreliably
                // (pytest 9.2 repeated one id of alembic's 30 for 29 others). The same batch runs
                // again with their files as arguments, and so do the suite's later cold batches.
                Self.runWithinFiles(suite)
                withinFiles = true
                continue
            }
            if !batch.refused.isEmpty && ranNothing {
                for id in pending where batch.refused[id] != nil {
                    let collection = batch.collectionError(for: id)
                    deliver(AdapterResult(
                        name: id, outcome: .error, duration: 0,
                        output: Self.bytes("[testfleet] pytest could not run this node id: \(batch.refused[id]!)\n"
                                           + (collection?.output ?? ""), cap: suite.outputCap)))
                }
                pending.removeAll { batch.refused[$0] != nil }
                continue
            }
            for id in pending { deliver(batch.result(for: id, suite: suite), from: batch) }
            return
        }
        for id in pending {
            deliver(AdapterResult(name: id, outcome: .error, duration: 0,
                                 output: Array("[testfleet] pytest kept refusing this batch's node ids\n".utf8)))
        }
    }

    /// One pytest process over `ids`; with `narrowing` (the `PytestOnlyPlugin`'s directory) they
    /// replace the command's own file and directory arguments, or their files do, `withinFiles`.
    private func runBatch(_ ids: [String], _ suite: SuiteDefinition, narrowing: String?, withinFiles: Bool) -> PytestBatch {
        let scratch = URL(fileURLWithPath: Self.scratchDirectory("batch"))
        try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let xmlPath = scratch.appendingPathComponent("junit.xml").path
        var arguments = [
            // --maxfail overrides an `-x` in the project's addopts: every granted test must run.
            // --color=no overrides a `--color=yes` there too: the output is read for refused ids.
            "--continue-on-collection-errors", "--maxfail=2147483647", "-rX", "--color=no",
            "--junitxml=\(xmlPath)",
            "-o", "junit_logging=all", "-o", "junit_log_passing_tests=false",
        ]
        var environment = environment(suite)
        // One id per line: the narrowing plugin's input, or pytest's `@argfile` for a long list.
        let idsFile = scratch.appendingPathComponent("node-ids.txt")
        let skipsFile = scratch.appendingPathComponent("skips.txt")
        let idsWritten = (try? Data(ids.joined(separator: "\n").utf8).write(to: idsFile)) != nil
        // With the plugin the ids go through it alone: on the command line they would follow
        // the command's own paths after `--`, which pytest before 9 refuses ("unrecognized
        // arguments": black 24.10.0's `pytest tests` under pytest 8.3 failed every test).
        let narrowed = narrowing != nil && idsWritten
        if narrowed {
            environment[PytestOnlyPlugin.idsVariable] = idsFile.path
            environment[PytestOnlyPlugin.skipsVariable] = skipsFile.path
            arguments += ["-p", PytestOnlyPlugin.moduleName]
            Self.cacheEnvironment(scratch.appendingPathComponent("cache").path, into: &environment)
            if withinFiles { environment[PytestOnlyPlugin.withinFilesVariable] = "1" }
        } else {
            // Without the plugin the cache plugin would choose tests by what the suite's cache
            // remembers under a `--lf` in addopts (`cacheEnvironment`).
            arguments += ["-p", "no:cacheprovider"]
            if idsWritten && ids.reduce(0, { $0 + $1.utf8.count + 3 }) > 100_000 {
                arguments.append("@" + idsFile.path)
            } else {
                // No `--` before them: pytest before 9 refuses anything after `--` that follows
                // a path of the command's own. A node id never starts with "-", and the option
                // just before it (`-p`) takes exactly one value.
                arguments += ids
            }
        }
        let timeout = min(suite.timeout * Double(ids.count), max(suite.timeout, 7200)) + startupAllowance
        var batch = PytestBatch(timeout: timeout)
        do {
            let line = if let narrowing, narrowed {
                command(suite, arguments, loading: narrowing, into: &environment)
            } else {
                command(suite, arguments)
            }
            let run = try runner.run(
                .shell(line), in: suite.directory, environment: environment,
                timeout: timeout, outputCap: max(suite.outputCap, 1 << 20), cancellation: cancellation)
            batch.run = run
            let output = String(decoding: run.output, as: UTF8.self)
            batch.narrowingRefused = narrowed && PytestOnlyPlugin.wasRefused(output)
            if narrowed && withinFiles {
                // The arguments were the ids' files (cut as the plugin cuts them): a refused file
                // refuses its ids.
                let files = PytestNodeIDs.refusedArguments(in: output, requested: Array(Set(ids.map { String(TestFile.of($0)) })))
                for id in ids { if let why = files[String(TestFile.of(id))] { batch.refused[id] = why } }
                batch.withinFiles = true
            } else {
                batch.refused = PytestNodeIDs.refusedArguments(in: output, requested: ids)
            }
            batch.refusedSome = !batch.refused.isEmpty || (run.exitStatus == 4 && output.contains("\nERROR: not found: "))
            batch.unexpectedPasses = PytestNodeIDs.unexpectedPasses(in: output, requested: Set(ids))
            if narrowed, let skips = try? String(contentsOf: skipsFile, encoding: .utf8) {
                batch.subtestSkipsOnly = PytestOnlyPlugin.subtestSkipsOnly(in: skips)
            }
            if FileManager.default.fileExists(atPath: xmlPath) {
                do {
                    batch.cases = try JUnitParser.parse(contentsOf: xmlPath, outputCap: suite.outputCap)
                } catch {
                    batch.problem = "pytest's JUnit XML could not be read: \(error)"
                }
            }
        } catch {
            batch.problem = error.message
        }
        return batch
    }

    /// pytest's cache in `directory`, a process's own, for a process that loads a testfleet
    /// plugin (`PytestOnlyPlugin.cacheVariable`): the cache plugin stays loaded, so addopts that
    /// use its options parse and a test's `cache` fixture works, as in a plain run of a fresh
    /// checkout; nothing lands in the suite's `.pytest_cache`, and the options that would read
    /// what a process kept there are off (`_own_runs`). A process without the plugin gets
    /// `-p no:cacheprovider`, as ever: a stale cache could deselect tests under `--lf` there.
    static func cacheEnvironment(_ directory: String, into environment: inout [String: String]) {
        environment[PytestOnlyPlugin.cacheVariable] = directory
    }

    /// A new path under the temporary directory for a pytest process's `purpose` (not created).
    static func scratchDirectory(_ purpose: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("testfleet-pytest-\(purpose)-\(UUID().uuidString)").path
    }

    func command(_ suite: SuiteDefinition, _ arguments: [String]) -> String {
        ([suite.command ?? Self.defaultCommand] + arguments.map(PytestNodeIDs.shellQuoted)).joined(separator: " ")
    }

    /// The command line for a run that loads a testfleet plugin from `directory`: the directory
    /// goes first on the `PYTHONPATH` of `environment`, and onto a `PYTHONPATH` the suite's
    /// command assigns itself (which would replace the environment's).
    func command(_ suite: SuiteDefinition, _ arguments: [String], loading directory: String,
                 into environment: inout [String: String]) -> String {
        environment["PYTHONPATH"] = PythonPluginFile.pythonPath(directory, suite: suite.environment, inherited: inheritedEnvironment)
        return PythonPluginFile.command(command(suite, arguments), reaching: directory)
    }

    /// The suite's environment, plus UTF-8 stdio so node ids print intact whatever the locale.
    func environment(_ suite: SuiteDefinition) -> [String: String] {
        var environment = suite.environment
        if environment["PYTHONIOENCODING"] == nil { environment["PYTHONIOENCODING"] = "utf-8" }
        return environment
    }

    static func tail(_ text: String, _ count: Int) -> String { String(text.suffix(count)) }

    /// `text` as bytes, keeping the last `cap`.
    static func bytes(_ text: String, cap: Int) -> [UInt8] {
        let all = Array(text.utf8)
        return all.count > cap ? Array(all.suffix(cap)) : all
    }
}

extension PytestAdapter: ImpactProvider {
    /// The suite's tests are its Python test modules; what they import decides what a change
    /// reaches.
    public func impactSuite(_ suite: SuiteDefinition, directory: String, sources: inout ImpactSources)
        throws(TestfleetError) -> ImpactSuite
    {
        let graphs = try sources.pythonGraphs(for: suite, under: directory)
        return .python(
            name: suite.name, directory: directory, head: graphs.head, base: graphs.base, rules: sources.rules,
            layout: graphs.layout)
    }
}
