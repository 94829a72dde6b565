import Foundation
import Testing

/// The gate through the real binary: `testfleet run --local 2` on a shell suite with a flaky
/// test (fails its first attempt, passes its retries, via a marker file each build starts
/// without: its retries run side by side, so one may run after the other), a test that breaks at a
/// known commit, and twenty stable tests; then `gate`, `quarantine`, `flaky` and `latest-green`.
@Suite(.serialized) struct GateCommandTests {
    let directory = Testfleet.temporaryDirectory()

    /// Writes the suite: `broken` fails while `broken.flag` exists in the suite's folder.
    func writeSuite() throws {
        var text = "[[suite]]\nname = \"demo\"\nadapter = \"shell\"\ntimeout_s = 60\n[suite.tests]\n"
        for index in 1...20 { text += "ok\(index) = \"true\"\n" }
        text += "flaky = \"if [ -f flaky.marker ]; then exit 0; else touch flaky.marker; exit 1; fi\"\n"
        text += "broken = \"test ! -f broken.flag\"\n"
        try text.write(toFile: directory + "/suite.toml", atomically: true, encoding: .utf8)
    }

    func run(commit: String, build: String, branch: String = "main") throws -> (code: Int32, verdict: [String: Any], output: String) {
        try? FileManager.default.removeItem(atPath: directory + "/flaky.marker")
        let run = try Testfleet.run(["run", "--local", "2", "--suite", "suite.toml", "--db", "d.db", "--commit", commit,
                                     "--branch", branch, "--build", build, "--json", "\(build).json", "--quiet"],
                                    in: directory, timeout: 180)
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/\(build).json"))
        let verdict = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(run.stderr)")
        return (run.code, verdict, run.stdout + run.stderr)
    }

    func testfleet(_ arguments: [String]) throws -> Testfleet.Finished {
        try Testfleet.run(arguments + ["--db", "d.db"], in: directory, timeout: 120)
    }

    func breakTheTest() {
        FileManager.default.createFile(atPath: directory + "/broken.flag", contents: Data())
    }

    @Test func flakyPassesOnRetryBrokenBlocksQuarantineLetsItThroughButReportsIt() throws {
        try writeSuite()
        let first = try run(commit: "c1", build: "b1")
        #expect(first.code == 0, "\(first.output)")
        #expect(first.verdict["verdict"] as? String == "pass")
        #expect(first.verdict["passed_on_retry"] as? [String] == ["flaky"])
        #expect((first.verdict["counts"] as? [String: Int])?["flaky"] == 1)
        #expect((first.verdict["slip_probability"] as? Double).map { $0 >= 0 && $0 < 0.5 } == true)
        #expect(first.verdict["outage_suspected"] as? Bool == false)
        #expect(first.verdict["skipped_by_selection"] as? [String] == [])

        breakTheTest()
        let second = try run(commit: "c2", build: "b2")
        #expect(second.code == 1, "\(second.output)")
        #expect(second.verdict["verdict"] as? String == "fail")
        let failures = try #require(second.verdict["failures"] as? [[String: Any]])
        #expect(failures.map { $0["test"] as? String } == ["broken"])
        // 3 attempts, then the 5 default confirmation runs: it never passed, so it blocks.
        #expect(failures.first?["attempts"] as? Int == 8)
        #expect(second.verdict["passed_on_retry"] as? [String] == ["flaky"])
        // `gate` re-judges the stored build the same way.
        let gate = try testfleet(["gate", "--build", "b2", "--json"])
        #expect(gate.code == 1, "\(gate.stderr)")
        #expect(gate.stdout.contains("\"verdict\" : \"fail\""))

        let add = try testfleet(["quarantine", "add", "broken", "--reason", "tracked in issue 12"])
        #expect(add.code == 0, "\(add.stderr)")
        let list = try testfleet(["quarantine", "list"])
        #expect(list.stdout.contains("broken") && list.stdout.contains("tracked in issue 12"))
        let third = try run(commit: "c3", build: "b3")
        #expect(third.code == 0, "\(third.output)")
        #expect(third.verdict["quarantined"] as? [String] == ["broken"])
        // Still reported: it failed every attempt, and the failure is listed.
        let stillFailing = try #require(third.verdict["failures"] as? [[String: Any]])
        #expect(stillFailing.map { $0["test"] as? String } == ["broken"])
        #expect((third.verdict["counts"] as? [String: Int])?["failed"] == 1)
        #expect(try testfleet(["gate", "--build", "b2"]).code == 0, "quarantine now covers the earlier build too")

        let release = try testfleet(["quarantine", "release", "broken"])
        #expect(release.code == 0, "\(release.stderr)")
        let fourth = try run(commit: "c4", build: "b4")
        #expect(fourth.code == 1, "released: blocks again\n\(fourth.output)")
        #expect(try testfleet(["quarantine", "release", "broken"]).code == 2, "releasing twice is a user error")
    }

    @Test func flakyNamesTheBrokenTestsCommitAndLatestGreenTheNewestPassingOne() throws {
        try writeSuite()
        for (index, commit) in ["a1", "a2", "a3"].enumerated() {
            let build = try run(commit: commit, build: "g\(index)")
            #expect(build.code == 0, "\(build.output)")
        }
        breakTheTest()
        for (index, commit) in ["a4", "a5"].enumerated() {
            let build = try run(commit: commit, build: "r\(index)")
            #expect(build.code == 1, "\(build.output)")
        }
        let flaky = try testfleet(["flaky", "--json"])
        #expect(flaky.code == 0, "\(flaky.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(flaky.stdout.utf8)) as? [[String: Any]])
        let broken = try #require(rows.first { $0["test"] as? String == "broken" }, "\(flaky.stdout)")
        #expect(broken["state"] as? String == "broken")
        #expect(broken["since_commit"] as? String == "a4")
        let flakyRow = try #require(rows.first { $0["test"] as? String == "flaky" }, "\(flaky.stdout)")
        #expect(["flaky", "quarantined"].contains(flakyRow["state"] as? String))
        #expect(Set(rows.first.map { Array($0.keys) } ?? []) == ["test", "state", "flake_rate", "evidence", "since_commit"])
        let markdown = try testfleet(["flaky", "--markdown"])
        #expect(markdown.stdout.contains("| `broken` | broken |"), "\(markdown.stdout)")

        let green = try testfleet(["latest-green", "--branch", "main"])
        #expect(green.code == 0, "\(green.stderr)")
        #expect(green.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "a3")
        let none = try testfleet(["latest-green", "--branch", "release", "--json"])
        #expect(none.code == 1)
        #expect(none.stdout.contains("\"commit\":null"))
    }
}
