import Adapters
import Config
import Foundation
import JUnit
public import Model
import Store
import Wire

/// `testfleet gate --build ID --confirm --suite FILE`: what the gate could not excuse, asked of
/// the code itself.
public struct ConfirmationSettings: Sendable, Hashable {
    /// The suite file whose suites hold the failing tests (run where the code is: the CI checkout).
    public var suiteFile: String
    /// Reruns per test at most; the first pass ends a test's reruns.
    public var runs: Int
    /// At most this many tests per build are rerun (more failing tests point to a broad break or
    /// an outage, which reruns do not excuse).
    public var limit: Int

    public init(suiteFile: String, runs: Int = 5, limit: Int = 10) {
        self.suiteFile = suiteFile
        self.runs = runs
        self.limit = limit
    }
}

/// What `BuildLifecycle.confirm` did.
public struct ConfirmationReport: Sendable, Hashable {
    /// Tests rerun, by stored name.
    public var tests: [String] = []
    /// Tests that passed on one of their reruns (flaky here, not broken).
    public var passed: [String] = []
    /// Reruns made in all (each its own process).
    public var runs = 0
    /// Blocking tests no suite of the file holds: not rerun, they block as before.
    public var notInSuite: [String] = []
    /// Blocking tests past `ConfirmationSettings.limit`: not rerun.
    public var overLimit: [String] = []
    /// Seconds spent taking inventories and rerunning.
    public var seconds = 0.0
}

extension BuildLifecycle {
    /// Judges stored build `id`; when tests block it that no quarantine or flaky record excuses,
    /// reruns each of them (up to `settings.limit` tests) from `settings.suiteFile`, one fresh
    /// process per rerun, up to `settings.runs` times, stopping at its first pass; stores the
    /// reruns as attempts of the build, then judges it again: a pass on a rerun makes it a pass
    /// on retry (flaky, not blocking), a test failing every rerun too keeps blocking. Unlike the
    /// coordinator's confirmation runs, these do not lift the build's family-wise bound
    /// (`AnalyzerConfiguration.buildCoverLimit`): they went only to failures it (or no cover)
    /// blocked, and lifting it let a quarantined test that broke, and failed all eight
    /// attempts, through (ingest-gate-eval seed 2, build 81). The stored verdict is updated.
    ///
    /// Nothing to confirm (the build passes, or only a failed watermark check blocks it): the
    /// verdict, with no reruns. Unknown build or unusable suite file: bad input.
    public func confirm(build id: String, settings: ConfirmationSettings) throws(TestfleetError)
        -> (verdict: Verdict, report: ConfirmationReport)
    {
        let started = Date()
        let found: StoredBuild?
        do { found = try store.build(id) } catch { throw TestfleetError(error) }
        guard let record = found else { throw .badInput("no build '\(id)' in \(store.path)") }
        let first = try verdict(of: id)
        var report = ConfirmationReport()
        guard settings.runs > 0, !first.blocking.isEmpty else { return (first, report) }
        let file = try SuiteFile.load(path: settings.suiteFile)
        let wanted = first.blocking.sorted()
        report.overLimit = Array(wanted.dropFirst(settings.limit))
        let located = try Self.locate(Array(wanted.prefix(settings.limit)), in: file.suites, store: store)
        report.notInSuite = located.missing
        guard !located.found.isEmpty else {
            report.seconds = Date().timeIntervalSince(started)
            return (first, report)
        }
        // Attempts number on past what the build holds for each test (past its ordinary ones).
        let stored: [StoredResult]
        do { stored = try store.results(build: id, tests: located.found.map(\.test)) } catch { throw TestfleetError(error) }
        var lastAttempt: [String: Int] = [:]
        for result in stored { lastAttempt[result.test] = max(lastAttempt[result.test, default: 0], result.attempt) }
        let worker = "gate-confirm@" + ProcessInfo.processInfo.hostName
        var results: [TestResult] = []
        for target in located.found {
            let suite = file.suites[target.suite]
            guard let adapter = AdapterRegistry.adapter(for: suite.adapter) else { continue }
            report.tests.append(target.test)
            var attempt = max(lastAttempt[target.test, default: 0], record.spec.maxAttempts)
            for _ in 0..<settings.runs {
                attempt += 1
                var outcome: AdapterResult?
                // One test per call: a fresh process per rerun (pytest, go, swift, shell alike).
                adapter.run([target.name], of: suite, attempt: attempt) { outcome = $0 }
                let result = outcome ?? AdapterResult(name: target.name, outcome: .error, duration: 0,
                                                      output: Array("[testfleet] the adapter reported nothing\n".utf8))
                report.runs += 1
                results.append(Self.stored(result, as: target.test, attempt: attempt, worker: worker))
                if !result.outcome.isFailure {
                    if result.outcome != .skipped { report.passed.append(target.test) }
                    break
                }
            }
        }
        do { try store.recordConfirmations(build: id, results) } catch {
            throw TestfleetError(error)
        }
        var verdict = try verdict(of: id)
        do { try store.finishBuild(id, verdict: verdict.verdict, outage: verdict.outageSuspected) } catch { throw TestfleetError(error) }
        report.seconds = Date().timeIntervalSince(started)
        verdict.reasons.append(Self.summary(report, settings: settings, file: file.path))
        return (verdict, report)
    }

    /// One line for the verdict's reasons: what was rerun and what it showed.
    static func summary(_ report: ConfirmationReport, settings: ConfirmationSettings, file: String) -> String {
        var line = "confirmation: reran \(report.tests.count) test(s) that failed every attempt, up to \(settings.runs) time(s) each "
            + "(\(report.runs) rerun(s) from \(file), \(String(format: "%.1f", report.seconds)) s)"
        if !report.passed.isEmpty { line += "; passed on a rerun (flaky, not blocking): " + report.passed.prefix(10).joined(separator: ", ") }
        if !report.notInSuite.isEmpty {
            line += "; not in any suite of the file, so not rerun: " + report.notInSuite.prefix(10).joined(separator: ", ")
        }
        if !report.overLimit.isEmpty { line += "; \(report.overLimit.count) more past the limit of \(settings.limit), not rerun" }
        return line
    }

    /// Finds each stored test name in the suites: as the suite's own test name (what `run`
    /// stores) or as the `classname::name` its framework's JUnit XML gives it (what `ingest
    /// junit` stores: `tests.test_cart::test_sum` for pytest's `tests/test_cart.py::test_sum`).
    static func locate(_ tests: [String], in suites: [SuiteDefinition], store: Store) throws(TestfleetError)
        -> (found: [(test: String, suite: Int, name: String)], missing: [String])
    {
        var pending = Set(tests)
        var found: [(test: String, suite: Int, name: String)] = []
        for (index, suite) in suites.enumerated() where !pending.isEmpty {
            guard let adapter = AdapterRegistry.adapter(for: suite.adapter) else { continue }
            for name in try testNames(of: suite, adapter: adapter, store: store) {
                let split = JUnitNaming.split(name, adapter: suite.adapter, suite: suite.name)
                for key in [name, split.classname + "::" + split.name] where pending.remove(key) != nil {
                    found.append((key, index, name))
                }
            }
        }
        return (found.sorted { $0.test < $1.test }, pending.sorted())
    }

    /// A rerun as the store keeps it: the build's test name, its attempt number, the output tail.
    static func stored(_ result: AdapterResult, as test: String, attempt: Int, worker: String) -> TestResult {
        var stored = TestResult(test: test, attempt: attempt, outcome: result.outcome, duration: result.duration,
                                worker: worker, arch: .current)
        if !result.output.isEmpty {
            stored.compressedOutput = OutputCodec.compress(result.output)
            stored.outputSize = result.output.count
        }
        stored.outputDropped = result.outputDropped
        return stored
    }
}
