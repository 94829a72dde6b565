import Foundation
import Model
import Store
import Testing

/// Builds that cannot go on end, with a reason, instead of waiting forever.
@Suite(.serialized) struct NothingHangsTests {
    let directory = Testfleet.temporaryDirectory()

    @Test func aTestPinnedToAnAbsentArchEndsTheSubmitWithExit3NamingIt() throws {
        let absent: Arch = Arch.current == .x86_64 ? .aarch64 : .x86_64
        let suite = "[[suite]]\nname = \"pinned\"\nadapter = \"shell\"\narch = \"\(absent.rawValue)\"\n[suite.tests]\nt1 = \"true\"\n"
        try suite.write(toFile: directory + "/s.toml", atomically: true, encoding: .utf8)
        let endpoint = "ipc://\(directory)/c.sock"
        let coordinator = try Testfleet.start(["coordinator", "--bind", endpoint, "--db", "d.db", "--heartbeat-ms", "200",
                                               "--arch-wait", "2"], in: directory)
        let worker = try Testfleet.start(["worker", "--connect", endpoint, "--id", "here", "--heartbeat-ms", "200"], in: directory)
        defer { for p in [worker, coordinator] { p.signal(SIGKILL) } }
        let started = Date()
        let submit = try Testfleet.run(["submit", "--coordinator", endpoint, "--suite", directory + "/s.toml",
                                        "--build", "pinned", "--quiet"], in: directory, timeout: 30)
        #expect(submit.code == 3, "\(submit.stderr)")
        #expect(Date().timeIntervalSince(started) <= 2 + 5)
        #expect(submit.stderr.contains(absent.rawValue), "\(submit.stderr)")
        #expect(try Store(path: directory + "/d.db").build("pinned")?.ended == .aborted)
    }

    @Test func runLocalAfterAKilledRunDoesNotResumeItsBuild() throws {
        let killed = try Testfleet.start(["run", "--local", "1", "--suite", "sim:3000,ms=20", "--build", "stale",
                                          "--db", "r.db", "--quiet"], in: directory)
        let store = try Store(path: directory + "/r.db")
        #expect(Testfleet.waitUntil(timeout: 30) { ((try? store.resultCount(build: "stale")) ?? 0) > 10 })
        killed.signal(SIGKILL)
        _ = killed.wait(timeout: 10)
        usleep(300_000)  // its worker sees its parent gone and leaves
        let before = try store.resultCount(build: "stale")
        let next = try Testfleet.run(["run", "--local", "1", "--suite", "sim:20", "--build", "fresh", "--db", "r.db"],
                                     in: directory, timeout: 60)
        #expect(next.code == 0, "\(next.stderr)")
        #expect(next.stderr.contains("build stale abandoned"), "\(next.stderr)")
        #expect(try store.resultCount(build: "stale") == before, "the stale build did not run again")
        #expect(try store.build("stale")?.ended == .abandoned)
        #expect(try store.build("fresh")?.isFinished == true)
    }

    @Test func runLocalEndsAtOnceForAnEverySuiteOnAnAbsentArchAndRunsTheArchesListed() throws {
        let here = Arch.current.rawValue, absent = Arch.current == .x86_64 ? "aarch64" : "x86_64"
        let both = "[[suite]]\nname = \"e\"\nadapter = \"shell\"\narch = \"every\"\n[suite.tests]\nt1 = \"true\"\n"
        try both.write(toFile: directory + "/both.toml", atomically: true, encoding: .utf8)
        let started = Date()
        let failed = try Testfleet.run(["run", "--local", "1", "--suite", "both.toml", "--db", "l.db", "--quiet"],
                                       in: directory, timeout: 60)
        #expect(failed.code == 3, "\(failed.stderr)")
        #expect(failed.stderr.contains(absent), "\(failed.stderr)")
        #expect(Date().timeIntervalSince(started) < 30, "at once, not after the service's --arch-wait")
        let listed = both.replacingOccurrences(of: "arch = \"every\"\n", with: "arch = \"every\"\narches = [\"\(here)\"]\n")
        try listed.write(toFile: directory + "/here.toml", atomically: true, encoding: .utf8)
        let passed = try Testfleet.run(["run", "--local", "1", "--suite", "here.toml", "--build", "here", "--db", "l.db",
                                        "--quiet"], in: directory, timeout: 60)
        #expect(passed.code == 0, "\(passed.stderr)")
        #expect(try Store(path: directory + "/l.db").results(build: "here").map(\.test) == ["t1@\(here)"])
    }
}
