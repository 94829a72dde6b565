public import Model
public import Store

extension BuildLifecycle {
    /// Records test results brought from another CI (`testfleet ingest junit`) as attempts of
    /// build `spec` (created, or added to when an earlier ingest made it), then finishes the
    /// build like any other (`finish(build:)`), so its stored verdict is the gate's: a failure
    /// of a quarantined test does not block an ingested build either. Each element of
    /// `testCases` is one test case's attempts in order. `createdAt` dates a new build (default
    /// now; simulated histories span days).
    public func ingest(_ testCases: [[TestResult]], into spec: BuildSpec, createdAt: Double? = nil) throws(TestfleetError)
        -> (report: IngestReport, verdict: Verdict)
    {
        let report: IngestReport
        do { report = try store.ingest(build: spec, testCases: testCases, createdAt: createdAt) } catch { throw TestfleetError(error) }
        return (report, try finish(build: spec.id, written: report.written))
    }
}
