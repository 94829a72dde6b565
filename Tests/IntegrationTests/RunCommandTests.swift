import Foundation
import Testing
import Model
import Store

/// `testfleet run --local N`: real worker processes, real ZeroMQ over ipc, a real SQLite file.
@Suite(.serialized) struct RunCommandTests {
    let directory = Testfleet.temporaryDirectory()

    func verdict(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func twentyThousandSimulatedTestsPass() throws {
        let run = try Testfleet.run(["run", "--local", "4", "--suite", "sim:20000,ms=0", "--db", "d.db", "--json", "v.json",
                                     "--build", "big"], in: directory)
        #expect(run.code == 0, "\(run.stderr)")
        let v = try verdict(directory + "/v.json")
        #expect(v["verdict"] as? String == "pass")
        let counts = try #require(v["counts"] as? [String: Int])
        #expect(counts["total"] == 20000)
        #expect(counts["passed"] == 20000)
        #expect(v["simulated"] as? Bool == true)
        #expect(run.stdout.contains("SIMULATED"))
        let store = try Store(path: directory + "/d.db")
        #expect(try store.resultCount(build: "big") == 20000)
    }

    @Test func seededFailuresFailTheGateTheSameWayEveryTime() throws {
        var failureLists: [[String]] = []
        var confirmedBroken: Set<String> = []
        for attempt in 1...2 {
            let run = try Testfleet.run(["run", "--local", "4", "--suite", "sim:2000,fail=0.01,seed=7,ms=0", "--db", "d.db",
                                         "--json", "v\(attempt).json", "--quiet"], in: directory)
            #expect(run.code == 1, "\(run.stderr)")
            let v = try verdict(directory + "/v\(attempt).json")
            #expect(v["verdict"] as? String == "fail")
            let failures = try #require(v["failures"] as? [[String: Any]])
            failureLists.append(failures.compactMap { $0["test"] as? String })
            // A test that fails every time is retried (twice by default) and fails every attempt;
            // the first to do so gets 5 confirmation runs too, and failing all of them (with no
            // flaky record) it makes the build lost: the others' confirmation runs are dropped,
            // those under way revoked, and at most 10 (the default --confirm-limit) got any. Past
            // the first ten failing tests, a lost build retries none that never passed: in the
            // second build, the previous build's failures with nothing but failures. The first
            // build has no record, and a simulated failure's output names no cause to tell a broad
            // break by (`FailureCause`): every failure keeps its retries there.
            let attempts = failures.compactMap { $0["attempts"] as? Int }
            #expect(attempts.count == failures.count && attempts.allSatisfy { (1...8).contains($0) }, "\(attempts)")
            #expect(attempts.filter { $0 > 3 }.count <= 10, "\(attempts)")
            #expect(attempts.filter { $0 >= 2 }.count >= min(10, failures.count), "\(attempts)")
            #expect(failures.count > 10 && attempts.contains(1) == (attempt == 2), "\(attempts)")
            if attempt == 1 {
                #expect(attempts.contains(8) && !attempts.contains(2), "\(attempts)")
                confirmedBroken = Set(failures.filter { $0["attempts"] as? Int == 8 }.compactMap { $0["test"] as? String })
            } else {
                // Having failed all eight runs it ever had, it is a known break: one retry and no
                // confirmation runs this time, and it makes the build lost at once.
                let again = failures.filter { confirmedBroken.contains($0["test"] as? String ?? "") }
                #expect(!again.isEmpty && again.allSatisfy { $0["attempts"] as? Int == 2 }, "\(failures)")
            }
        }
        let expected = (0..<2000).filter(SimulatedSuite(count: 2000, seed: 7, failFraction: 0.01).alwaysFails)
            .map { SimulatedSuite(count: 2000).name(of: $0) }
        #expect(!expected.isEmpty)
        #expect(failureLists[0] == expected)
        #expect(failureLists[1] == expected)
    }

    @Test func helpExitsZeroOnStdoutForTheRootAndForGroups() throws {
        for arguments in [["--help"], [], ["ingest"], ["ingest", "--help"], ["run", "--help"]] {
            let run = try Testfleet.run(arguments, in: directory)
            #expect(run.code == 0, "\(arguments): \(run.stderr)")
            #expect(run.stdout.contains("USAGE: testfleet"), "\(arguments): \(run.stdout)")
            #expect(!run.stderr.contains("CommandError"), "\(arguments): \(run.stderr)")
        }
    }

    @Test func badUsageAndBadInputExitTwoNamingTheProblem() throws {
        let cases: [([String], String)] = [
            (["run", "--suite", "sim:10", "--locl", "2"], "--locl"),
            (["run", "--suite", "missing.toml"], "missing.toml"),
            (["run", "--suite", "sim:ten"], "COUNT"),
            (["run", "--suite", "sim:10", "--local", "0"], "--local"),
            (["run", "--suite", "bad.toml"], "bad.toml:"),
        ]
        try "[[suite]\nname = ".write(toFile: directory + "/bad.toml", atomically: true, encoding: .utf8)
        for (arguments, mention) in cases {
            let run = try Testfleet.run(arguments + ["--db", "d.db"], in: directory)
            #expect(run.code == 2, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains(mention), "\(arguments): \(run.stderr)")
        }
    }

    @Test func aWorkerKilledMidRunLosesNothing() throws {
        let running = try Testfleet.start(["run", "--local", "4", "--suite", "sim:600,ms=20,seed=3", "--db", "d.db",
                                           "--build", "k", "--heartbeat-ms", "200", "--quiet"], in: directory)
        let store = try Store(path: directory + "/d.db")
        // Wait until work is flowing, then kill one worker outright.
        #expect(Testfleet.waitUntil(timeout: 30) { ((try? store.resultCount(build: "k")) ?? 0) > 50 && running.children.count == 4 })
        let victim = try #require(running.children.first)
        kill(victim, SIGKILL)
        let finished = running.wait(timeout: 120)
        #expect(finished.code == 0, "\(finished.stderr)")
        let results = try store.results(build: "k")
        #expect(Set(results.map(\.test)).count == 600)
        #expect(results.count == 600, "every test has exactly one result")
        #expect(results.allSatisfy { $0.outcome == .passed })
    }
}
