import ArgumentParser
import Builds
import Foundation
import JUnit
import Model
import Store

/// `testfleet ingest junit FILE... --commit SHA`: JUnit XML from any CI into the store.
///
/// All or nothing per call: every file is parsed in full before anything is written, and if any
/// file is malformed the whole call is rejected (exit 2, each bad file named as FILE:LINE:COL)
/// and nothing is recorded — not even the good files. Why the whole call rather than "the good
/// files only": the files of one call are one build's attempts, and recording some of them
/// would store a build with holes whose verdict looks real (a CI job that lost its failing
/// shard would turn green). A caller fixes or drops the bad file and runs the same command again.
/// The good files then go into the store in one transaction.
struct IngestJUnitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "junit",
        abstract: "Record test results from JUnit XML files (pytest, Surefire, jest-junit, go-junit-report, …).",
        discussion: """
            Files with the same --build are attempts of that build: a test already stored for it gets the next \
            attempt number, and Surefire rerun/flaky elements become earlier attempts. A malformed file rejects \
            the whole call (exit 2, FILE:LINE:COL) and nothing is recorded.
            """)

    @Argument(help: "JUnit XML files, in attempt order.")
    var files: [String]

    @Option(help: "The commit the results are for.")
    var commit: String

    @Option(help: "The branch the results are for.")
    var branch: String?

    @Option(help: "The build's base: the merge-base of --commit with the branch it targets (for a PR build: `git merge-base origin/main HEAD`).")
    var base: String?

    @Option(help: "A checkout holding --commit (default: the current directory when it is one): the build's place on its branch's first-parent line, and a PR build's merge-base, come from it.")
    var repository: String?

    @Option(help: "The build to record into (created, or added to when an earlier ingest made it; default: a new id).")
    var build: String?

    @Option(help: "The architecture the tests ran on (x86_64 or aarch64; default: this machine's).")
    var arch: String?

    @Option(help: "The machine or CI job that ran the tests (stored as the worker).")
    var worker: String = "ingest"

    @Flag(help: "Print {\"testcases\": N, \"passed\": N, \"failed\": N, \"skipped\": N} instead of text.")
    var json = false

    @OptionGroup var store: StoreOptions

    /// Bytes of output kept per test case (the tail), as a worker keeps.
    static let outputCap = 64 << 10

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one JUnit XML file") }
        guard !commit.isEmpty else { throw ValidationError("--commit must not be empty") }
        if let base, base.isEmpty { throw ValidationError("--base must not be empty") }
        if let build, build.isEmpty || build.count > 200 { throw ValidationError("--build must be 1 to 200 characters") }
        if let arch, Arch(parsing: arch) == nil { throw ValidationError("--arch must be x86_64 or aarch64, got '\(arch)'") }
    }

    func run() throws {
        let trace = Trace()
        // Parse everything first: a bad file anywhere means nothing is written.
        var parsed: [[JUnitTestCase]] = []
        var errors: [JUnitParseError] = []
        for file in files {
            do { parsed.append(try JUnitParser.parse(contentsOf: file, outputCap: Self.outputCap)) } catch { errors.append(error) }
        }
        trace.mark("parsed \(parsed.reduce(0) { $0 + $1.count }) test cases")
        if !errors.isEmpty {
            let lines = errors.map { "malformed JUnit XML: \($0)" }
            throw TestfleetError.badInput(lines.joined(separator: "\ntestfleet: ")
                + "\ntestfleet: nothing was recorded from any of the \(files.count) file(s); fix or leave out the bad file")
        }
        let arch = self.arch.flatMap(Arch.init(parsing:)) ?? .current
        var spec = BuildSpec(id: build ?? "ingest-" + BuildOptions.newBuildID(), suite: "junit:" + files.joined(separator: ","),
                             commit: commit, branch: branch, base: base)
        // Where the repository is at hand and holds the commit: commit order from git ancestry.
        let placed = BuildLifecycle.placeInGit(spec, directory: repository ?? FileManager.default.currentDirectoryPath)
        if placed.commit != nil, placed.commitPosition != nil || placed.base != base {
            spec.commitPosition = placed.commitPosition
            spec.base = placed.base
        }
        trace.mark("placed in git")
        var counts = Counts()
        var testCases: [[TestResult]] = []
        testCases.reserveCapacity(parsed.reduce(0) { $0 + $1.count })
        for file in parsed {
            for testCase in file {
                counts.add(testCase.outcome)
                testCases.append(testCase.testResults(arch: arch, worker: worker))
            }
        }
        trace.mark("converted")
        let store = try self.store.open()
        // The snapshot refreshed inline when due (every 20th build, over ≈ 1 M results of the
        // newest builds): nothing else refreshes a store that only ingest fills, and a gate
        // judging against figures from its first 50,000 results blocked known-flaky tests.
        let lifecycle = BuildLifecycle(store: store, refresh: AnalysisRefresh(inline: true), log: { line in
            trace.mark(line)
        })
        let (report, verdict) = try lifecycle.ingest(testCases, into: spec)
        trace.mark("stored \(report.attempts) attempts and judged the build")
        if json {
            print("{\"testcases\": \(counts.testcases), \"passed\": \(counts.passed), \"failed\": \(counts.failed), \"skipped\": \(counts.skipped)}")
        } else {
            print("recorded \(counts.testcases) test cases (\(report.attempts) attempts) from \(files.count) file(s) into build "
                + "\(spec.id) of \(store.path): \(counts.passed) passed, \(counts.failed) failed, \(counts.skipped) skipped; "
                + "build verdict now \(verdict.verdict.rawValue.uppercased()) (\(verdict.counts.total) tests)")
        }
    }

    /// The `--json` counts: of the test cases in the files, by final outcome.
    struct Counts {
        var testcases = 0, passed = 0, failed = 0, skipped = 0
        mutating func add(_ outcome: Outcome) {
            testcases += 1
            switch outcome {
            case .passed, .xpassed: passed += 1
            case .failed, .error: failed += 1
            case .skipped, .xfailed: skipped += 1
            }
        }
    }
}

/// `TESTFLEET_TRACE=1`: seconds since start, per step, on stderr.
struct Trace {
    let started = Date()
    let enabled = ProcessInfo.processInfo.environment["TESTFLEET_TRACE"] != nil

    func mark(_ what: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data(String(format: "trace %.3f %@\n", Date().timeIntervalSince(started), what).utf8))
    }
}
