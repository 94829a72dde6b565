import Foundation
import Testing
import Store

/// A coordinator on a store past the full-analysis limit refreshes the analysis snapshot by
/// itself (`--refresh-analysis-every`), in the background, after a build.
@Suite(.serialized) struct AnalysisRefreshTests {
    let directory = Testfleet.temporaryDirectory()

    @Test func aBigStoresSnapshotIsRefreshedAfterBuilds() throws {
        let endpoint = "ipc://\(directory)/c.sock"
        let coordinator = try Testfleet.start(["coordinator", "--bind", endpoint, "--db", "d.db", "--refresh-analysis-every", "1"],
                                              in: directory)
        let worker = try Testfleet.start(["worker", "--connect", endpoint, "--id", "refresh-w", "--slots", "2"], in: directory)
        defer {
            worker.signal(SIGKILL)
            coordinator.signal(SIGKILL)
        }
        // 60,000 SIMULATED results: past the 50,000 a gate analyses in full.
        let client = try Testfleet.run(["submit", "--coordinator", endpoint, "--suite", "sim:60000,ms=0", "--build", "big",
                                        "--quiet"], in: directory, timeout: 180)
        #expect(client.code == 0, "\(client.stderr)")
        let store = try Store(path: directory + "/d.db")
        let refreshed = Testfleet.waitUntil(timeout: 60) { (try? store.snapshot())??.buildSeq == (try? store.latestBuildSeq()) }
        #expect(refreshed, "no snapshot for the newest build")
        coordinator.signal(SIGTERM)
        let stopped = coordinator.wait(timeout: 30)
        #expect(stopped.stderr.contains("flaky analysis refreshed"), "\(stopped.stderr)")
    }
}
