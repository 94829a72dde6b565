public import Analyzer
import Foundation
public import Model
public import Store

/// One build's way through testfleet, the same for `run`, the coordinator and `ingest junit`:
///
/// 1. `plan(_:)`: the suites (a `sim:` spec, or the suite file, read once), impact selection,
///    each suite's test list (from the inventory cache or its adapter) and a prediction per test.
/// 2. The tests run (the coordinator and workers) or are recorded (`ingest(_:into:arch:worker:)`).
/// 3. `finish(build:)`: the analyser's gate judges the build, its verdict is stored, the timing
///    history learns the build's durations, and a background refresh of the analysis snapshot
///    starts when one is due. So a build's stored verdict is the gate's, whoever made the build.
///
/// `verdict(of:)` re-judges a stored build without changing anything (`testfleet gate`).
public struct BuildLifecycle: Sendable {
    public let store: Store
    /// A directory in the git repository for `--base/--head` selection (default: the suite file's).
    public var root: String?
    /// Where a suite's test list can come from instead of its adapter's own listing, when the
    /// inventory cache has none: `run --local` has its workers' warm pytest sessions collect the
    /// suite once and hand over the ids. Nil from it: the adapter lists the suite as usual.
    public var handedInventory: (@Sendable (SuiteDefinition) -> [String]?)?
    /// Inventory fingerprints already taken this run (`pytestSuitesToList`), by suite: planning
    /// uses them instead of walking the suite's files a second time.
    public var inventoryFingerprints: [String: String] = [:]
    let refresher: AnalysisRefresher?

    /// - Parameters:
    ///   - refresh: when finished builds refresh the analysis snapshot, in the background or
    ///     inline (nil: never; a command that only reads, such as `gate`).
    ///   - shared: the analysis the dashboard and webhook read; the background refresh becomes
    ///     its producer and refreshes it after every finished build (needs a background refresh:
    ///     `every` > 0, not inline; else its readers analyse for themselves).
    ///   - log: where the background analysis reports (stderr, with the command's prefix).
    public init(store: Store, root: String? = nil, refresh: AnalysisRefresh? = AnalysisRefresh(), shared: SharedAnalysis? = nil,
                log: @escaping @Sendable (String) -> Void = { _ in })
    {
        self.store = store
        self.root = root
        self.refresher = refresh.map { AnalysisRefresher(store: store, refresh: $0, shared: shared, log: log) }
    }

    /// Refreshes the shared analysis in the background now (at start, after a quarantine
    /// decision); nothing without one.
    public func refreshSharedAnalysis() {
        refresher?.refreshNow()
    }

    /// Finishes a build whose results are all stored, in this order: the gate, the stored
    /// verdict, the timing fold (builds this fleet ran; ingested durations come from other
    /// machines), the snapshot refresh. A build already finished is only re-judged, so a client
    /// that submits it again changes nothing. Unknown build: bad input.
    public func finish(build id: String) throws(TestfleetError) -> Verdict {
        try finish(build: id, written: nil)
    }

    /// `finish(build:)`, judging from what an ingest just wrote when it made the whole build.
    func finish(build id: String, written: IngestReport.WrittenBuild?) throws(TestfleetError) -> Verdict {
        guard let record = try lookUp(id) else { throw .badInput("no build '\(id)' in \(store.path)") }
        let (verdict, total) = try judge(id, written: written)
        if record.isFinished { return verdict }
        // The totals folded while judging: finishing does not scan the build again.
        do { try store.finishBuild(id, verdict: verdict.verdict, outage: verdict.outageSuspected, total: total) } catch {
            throw TestfleetError(error)
        }
        if record.source == "run" { TimingHistory.fold(store: store, build: id) }
        refresher?.buildFinished(testsPerBuild: verdict.counts.total)
        return verdict
    }

    /// The gate's verdict on a stored build, judged now (with today's quarantine); stores nothing.
    public func verdict(of id: String) throws(TestfleetError) -> Verdict {
        guard try lookUp(id) != nil else { throw .badInput("no build '\(id)' in \(store.path)") }
        return try judge(id).verdict
    }

    /// Waits until a background analysis in progress has finished (before the process exits).
    public func waitUntilIdle(timeout seconds: Double = 600) {
        refresher?.waitUntilIdle(timeout: seconds)
    }

    private func lookUp(_ id: String) throws(TestfleetError) -> (isFinished: Bool, source: String)? {
        do { return try store.build(id).map { ($0.isFinished, $0.source) } } catch { throw TestfleetError(error) }
    }

    /// The analyser's gate (`StoredGate`): quarantined tests' failures do not block, a pass on
    /// retry is flaky evidence and does not block, a test that failed every attempt blocks.
    private func judge(_ id: String, written: IngestReport.WrittenBuild? = nil) throws(TestfleetError)
        -> (verdict: Verdict, total: BuildTotal?)
    {
        let started = Date()
        let judged: (evaluation: GateEvaluation, total: BuildTotal?)?
        do { judged = try StoredGate.evaluateWithTotal(store: store, build: id, written: written) } catch { throw TestfleetError(error) }
        guard let (evaluation, total) = judged else { throw .badInput("no build '\(id)' in \(store.path)") }
        if ProcessInfo.processInfo.environment["TESTFLEET_TRACE"] != nil {
            FileHandle.standardError.write(Data(String(format: "trace verdict of %@ took %.1f ms\n", id,
                                                       Date().timeIntervalSince(started) * 1000).utf8))
        }
        return (evaluation.verdict, total)
    }
}
