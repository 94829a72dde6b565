import Foundation
import Testing

/// Input that cannot be planned is exit 2 from `submit` with the message naming it (the same
/// code `run` gives it): `submit` plans in the CI checkout, so the coordinator never sees it and
/// keeps serving.
@Suite(.serialized) struct SubmitPlanningErrorTests {
    let directory = Testfleet.temporaryDirectory()

    func submitting(_ suiteFile: String, build: String, coordinator endpoint: String) throws -> Testfleet.Finished {
        try Testfleet.run(["submit", "--coordinator", endpoint, "--suite", directory + "/" + suiteFile, "--build", build,
                           "--quiet", "--timeout", "60"], in: directory, timeout: 90)
    }

    @Test func badInputFoundWhilePlanningIsExitTwoWithTheMessage() throws {
        try """
            [[suite]]
            name = "unit"
            adapter = "shell"
            colour = "blue"
            [suite.tests]
            t1 = "true"
            """.write(toFile: directory + "/bad-key.toml", atomically: true, encoding: .utf8)
        try """
            [[suite]]
            name = "collects-nothing"
            adapter = "pytest"
            command = "false"
            """.write(toFile: directory + "/bad-inventory.toml", atomically: true, encoding: .utf8)
        let endpoint = "ipc://\(directory)/c.sock"
        let coordinator = try Testfleet.start(["coordinator", "--bind", endpoint, "--db", "d.db"], in: directory)
        defer { coordinator.signal(SIGKILL) }

        let badKey = try submitting("bad-key.toml", build: "bad-key", coordinator: endpoint)
        #expect(badKey.code == 2, "\(badKey.stderr)")
        #expect(badKey.stderr.contains("colour"), "the message names the bad key: \(badKey.stderr)")

        let badInventory = try submitting("bad-inventory.toml", build: "bad-inventory", coordinator: endpoint)
        #expect(badInventory.code == 2, "\(badInventory.stderr)")
        #expect(badInventory.stderr.contains("suite 'collects-nothing'"), "\(badInventory.stderr)")
        #expect(badInventory.stderr.contains("--collect-only failed"), "\(badInventory.stderr)")

        // `run` says the same about the same file, with the same code.
        let run = try Testfleet.run(["run", "--local", "1", "--suite", directory + "/bad-key.toml", "--db", "r.db", "--quiet"],
                                    in: directory)
        #expect(run.code == 2, "\(run.stderr)")
        #expect(run.stderr.contains("colour"), "\(run.stderr)")
        #expect(coordinator.process.isRunning)
    }
}
