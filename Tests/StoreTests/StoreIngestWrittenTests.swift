import Foundation
import Testing
import Model
import Store

/// An ingest that makes a build hands the gate that build as written (`IngestReport.written`);
/// it must be exactly what the gate would read back, or ingest and `gate --build` could differ.
@Suite struct StoreIngestWrittenTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("tf-ingest-written-\(UUID().uuidString).db").path

    func attempt(_ test: String, _ outcome: Outcome, duration: Double = 0.25, arch: Arch = .x86_64) -> TestResult {
        TestResult(test: test, attempt: 1, outcome: outcome, duration: duration, worker: "ci-7", arch: arch)
    }

    @Test func writtenBuildEqualsWhatTheStoreReadsBack() throws {
        let store = try Store(path: path)
        // Out of key order, a name repeated in two test cases, reruns, a pass after failures,
        // a failure after a pass, skips, errors, a negative and an infinite duration, non-ASCII.
        let testCases: [[TestResult]] = [
            [attempt("z::last", .passed)],
            [attempt("m::flaky", .failed), attempt("m::flaky", .passed)],
            [attempt("a::broken", .failed, duration: -1), attempt("a::broken", .error, duration: .infinity)],
            [attempt("é::accent", .failed, arch: .aarch64)],
            [attempt("b::skip", .skipped)],
            [attempt("m::flaky", .failed)],
            [attempt("c::late", .passed), attempt("c::late", .failed)],
            [attempt("d::xfail", .xfailed)],
        ]
        let report = try store.ingest(build: BuildSpec(id: "b1", suite: "junit:x", commit: "c1"), testCases: testCases)
        let written = try #require(report.written)
        #expect(written.summary == (try store.summary(build: "b1")))
        let notable = (written.summary.failures + written.summary.passedOnRetry).map(\.test)
        #expect(Set(notable) == ["m::flaky", "a::broken", "é::accent", "c::late"])
        let readBack = try store.results(build: "b1", tests: notable).map {
            TestResult(test: $0.test, attempt: $0.attempt, outcome: $0.outcome, duration: $0.duration, worker: $0.worker,
                       arch: Arch(rawValue: $0.arch) ?? .x86_64)
        }
        #expect(written.notableResults == readBack)
        #expect(written.notableResults.filter { $0.test == "m::flaky" }.map(\.attempt) == [1, 2, 3])
    }

    @Test func aReopenedBuildIsReadFromTheStore() throws {
        let store = try Store(path: path)
        let spec = BuildSpec(id: "b1", suite: "junit:x", commit: "c1")
        let first = try store.ingest(build: spec, testCases: [[attempt("t::a", .failed)]])
        #expect(first.written != nil)
        // A second file for the same build: its rows are only part of the build.
        let second = try store.ingest(build: spec, testCases: [[attempt("t::a", .passed)]])
        #expect(second.written == nil)
        #expect(try store.summary(build: "b1").passedOnRetry.map(\.test) == ["t::a"])
    }
}
