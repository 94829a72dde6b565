import Foundation
import Model
import Store
import Testing
import Wire

/// `testfleet run --local 2` on Tests/Fixtures/pytest-staging, whose classes stage a `scratch/`
/// directory under the working directory and refuse to start beside another's (alembic's
/// tests do; its suite names the directory per pytest-xdist worker, which testfleet's processes
/// are not). Every worker after the first, and every retry, works in a mirror of the directory
/// of its own, so the counts are a plain run's: two tests fail on every attempt, none errors,
/// and the tests whose ids hold the directory's absolute path keep the directory's own.
@Suite(.serialized) struct WorkingCopyRunTests {
    let directory = Testfleet.temporaryDirectory()

    @Test func workersAndRetriesStageTheirFilesInDirectoriesOfTheirOwn() throws {
        try Testfleet.writePytestSuite(directory + "/staging.toml", name: "staging", fixture: "pytest-staging",
                                       command: "python3 -m pytest")
        let fixture = Testfleet.fixture("pytest-staging")
        let failing: Set = ["tests/test_staging.py::TestBroken::test_fails",
                            "tests/test_paths.py::test_reads[\(fixture)/tests/data/three.txt]"]
        for warm in ["1", "0"] {
            let build = "staging-\(warm)"
            let run = try Testfleet.run(["run", "--local", "2", "--suite", "staging.toml", "--db", "s-\(warm).db", "--build", build,
                                         "--retries", "2", "--confirm-runs", "0", "--quiet"], in: directory, timeout: 300,
                                        environment: ["TESTFLEET_WARM": warm, "TESTFLEET_CACHE": directory + "/cache-\(warm)"])
            #expect(run.code == 1, "\(build): the failing test fails the gate: \(run.stderr)")
            #expect(!run.stderr.contains("not collected there"), "\(build): a session knew every id it was sent: \(run.stderr)")
            // A store per build: in a second build of one store the failing tests would be
            // expected to fail, with one retry (`BuildState.ordinaryAttempts`).
            let store = try Store(path: directory + "/s-\(warm).db")
            let results = try store.results(build: build)
            let wrong = try results.filter { failing.contains($0.test) != ($0.outcome == .failed) }.map { result in
                let output = try store.output(build: build, test: result.test, attempt: result.attempt)
                    .map { String(decoding: (try? OutputCodec.decompress($0.lz4, originalSize: $0.size)) ?? [], as: UTF8.self) } ?? ""
                return "\(result.test) attempt \(result.attempt) on \(result.worker): \(result.outcome)\n\(output.suffix(3000))"
            }
            #expect(wrong.isEmpty, "\(build): \(wrong)")
            for test in failing {
                #expect(results.filter { $0.test == test }.count == 3, "\(build): \(test) failed, and its two retries")
            }
            // Ids made from absolute paths name the suite's directory, wherever they ran.
            #expect(Set(results.map(\.test)).count == 13, "\(build): \(Set(results.map(\.test)).sorted())")
            #expect(Set(results.map(\.worker)).count == 2, "\(build): both workers ran tests: \(run.stderr.components(separatedBy: "\n").filter { $0.contains("rror") || $0.contains("atal") || $0.contains("rash") || $0.contains(" 0 ") }.prefix(20))")
            #expect(!FileManager.default.fileExists(atPath: Testfleet.fixture("pytest-staging") + "/scratch"))
        }
    }
}
