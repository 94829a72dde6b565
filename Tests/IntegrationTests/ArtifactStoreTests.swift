import Foundation
import JUnit
import Store
import Testing

/// What CI artifact steps keep: the `.db` file alone, copied after `run` or `ingest` exits (no
/// `-wal`, no `-shm`). It must hold the whole build: testfleet checkpoints the log on exit.
@Suite struct ArtifactStoreTests {
    let directory = Testfleet.temporaryDirectory()

    /// Copies only `name` (the `.db`) to a fresh directory and opens the copy.
    func copyOfDatabaseFileAlone(_ name: String) throws -> Store {
        let elsewhere = Testfleet.temporaryDirectory()
        try FileManager.default.copyItem(atPath: directory + "/" + name, toPath: elsewhere + "/" + name)
        #expect(!FileManager.default.fileExists(atPath: elsewhere + "/" + name + "-wal"))
        return try Store(path: elsewhere + "/" + name)
    }

    @Test func theDatabaseFileAloneHoldsTheBuildAfterRun() throws {
        let run = try Testfleet.run(["run", "--local", "2", "--suite", "sim:3000,ms=0,fail=0.01,seed=3", "--db", "fleet.db",
                                     "--build", "kept", "--quiet", "--retries", "1"], in: directory, timeout: 120)
        #expect(run.code == 1, "\(run.stderr)")
        let walSize = (try? FileManager.default.attributesOfItem(atPath: directory + "/fleet.db-wal"))?[.size] as? Int ?? 0
        #expect(walSize == 0, "the log was left with \(walSize) bytes")
        let original = try Store(path: directory + "/fleet.db")
        let copy = try copyOfDatabaseFileAlone("fleet.db")
        let build = try #require(try copy.build("kept"))
        #expect(build.isFinished && build.verdict == "fail")
        #expect(try copy.results(build: "kept").count == original.results(build: "kept").count)
        #expect(try copy.resultCount(build: "kept") >= 3000)
    }

    @Test func theDatabaseFileAloneHoldsWhatIngestRecorded() throws {
        try """
            <testsuite name="pytest"><testcase classname="tests.test_a" name="test_ok" time="0.1"/>\
            <testcase classname="tests.test_a" name="test_bad" time="0.1"><failure message="no">x</failure></testcase></testsuite>
            """.write(toFile: directory + "/r.xml", atomically: true, encoding: .utf8)
        let ingest = try Testfleet.run(["ingest", "junit", "r.xml", "--commit", "abc123", "--build", "ci-1", "--db", "ci.db"],
                                       in: directory, timeout: 60)
        #expect(ingest.code == 0 || ingest.code == 1, "\(ingest.stderr)")
        let copy = try copyOfDatabaseFileAlone("ci.db")
        #expect(try copy.build("ci-1") != nil)
        #expect(Set(try copy.results(build: "ci-1").map(\.test)) == ["tests.test_a::test_ok", "tests.test_a::test_bad"])
    }
}
