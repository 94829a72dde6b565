import Foundation
import Model
import Store
import Testing

/// Many builds on one coordinator, with real processes: priorities, an even share among
/// builds of equal priority (measured from the store), and cancellation freeing workers.
/// Suites are simulated (`sim:`): the tests sleep their duration and report.
@Suite(.serialized) struct FleetSharingProcessTests {
    let directory = Testfleet.temporaryDirectory()
    var endpoint: String { "ipc://\(directory)/c.sock" }

    func fleet(workers: Int, extra: [String] = []) throws -> (Testfleet.Running, [Testfleet.Running]) {
        let coordinator = try Testfleet.start(["coordinator", "--bind", endpoint, "--db", "d.db", "--heartbeat-ms", "200",
                                               "--worker-timeout-ms", "2000"] + extra, in: directory)
        let started = try (1...workers).map { i in
            try Testfleet.start(["worker", "--connect", endpoint, "--id", "w\(i)", "--heartbeat-ms", "200"], in: directory)
        }
        return (coordinator, started)
    }

    func submit(_ id: String, suite: String, branch: String) throws -> Testfleet.Running {
        try Testfleet.start(["submit", "--coordinator", endpoint, "--suite", suite, "--build", id, "--branch", branch,
                             "--quiet"], in: directory)
    }

    /// Seconds of worker time the store holds for a build's results.
    func workerTime(_ store: Store, _ id: String) -> Double {
        ((try? store.results(build: id)) ?? []).reduce(0) { $0 + $1.duration }
    }

    @Test func aMainBuildAfterThreePullRequestsFinishesFirstAndThePullRequestsShareEvenly() throws {
        let (coordinator, workers) = try fleet(workers: 3)
        defer { for p in workers + [coordinator] { p.signal(SIGKILL) } }
        let prs = try (1...3).map { try submit("pr\($0)", suite: "sim:2000,ms=5,seed=\($0)", branch: "feature/\($0)") }
        defer { for pr in prs { pr.signal(SIGKILL) } }
        let store = try Store(path: directory + "/d.db")
        #expect(Testfleet.waitUntil(timeout: 30) { ["pr1", "pr2", "pr3"].allSatisfy { workerTime(store, $0) > 0.2 } })
        let main = try submit("main1", suite: "sim:300,ms=5,seed=9", branch: "main")
        defer { main.signal(SIGKILL) }
        #expect(main.wait(timeout: 90).code == 0)
        let prsDoneFirst = try ["pr1", "pr2", "pr3"].filter { try store.build($0)?.isFinished == true }
        #expect(prsDoneFirst.isEmpty, "main finished after \(prsDoneFirst)")
        // While all three PR builds run, each has about a third of the worker time: the last
        // reading of the store before the first of them finishes.
        var shares: [Double] = []
        while try ["pr1", "pr2", "pr3"].allSatisfy({ try store.build($0)?.isFinished == false }) {
            shares = ["pr1", "pr2", "pr3"].map { workerTime(store, $0) }
            usleep(100_000)
        }
        for pr in prs { #expect(pr.wait(timeout: 90).code == 0) }
        let mean = shares.reduce(0, +) / Double(max(shares.count, 1))
        #expect(shares.count == 3 && mean > 0)
        for share in shares { #expect(abs(share - mean) <= 0.2 * mean, "worker seconds per PR build: \(shares)") }
    }

    @Test func sigintOnSubmitAndTestfleetCancelFreeTheBuildsLeasesAndOthersGoOn() throws {
        let (coordinator, workers) = try fleet(workers: 2)
        defer { for p in workers + [coordinator] { p.signal(SIGKILL) } }
        let long = try submit("long", suite: "sim:4000,ms=20,seed=1", branch: "feature/a")
        let other = try submit("other", suite: "sim:400,ms=5,seed=2", branch: "feature/b")
        let third = try submit("third", suite: "sim:4000,ms=20,seed=3", branch: "feature/c")
        defer { for p in [long, other, third] { p.signal(SIGKILL) } }
        let store = try Store(path: directory + "/d.db")
        #expect(Testfleet.waitUntil(timeout: 30) { ((try? store.resultCount(build: "long")) ?? 0) > 20 })
        long.signal(SIGINT)
        let interrupted = long.wait(timeout: 10)
        #expect(interrupted.code == 3, "\(interrupted.stderr)")
        #expect(interrupted.stderr.contains("cancel"), "\(interrupted.stderr)")
        // Freed within 2 s: after that, nothing more of it is stored.
        usleep(2_000_000)
        let settled = try store.resultCount(build: "long")
        usleep(1_500_000)
        #expect(try store.resultCount(build: "long") == settled)
        #expect(try store.build("long")?.ended == .cancelled)

        let cancel = try Testfleet.run(["cancel", "--coordinator", endpoint, "--build", "third"], in: directory, timeout: 20)
        #expect(cancel.code == 0, "\(cancel.stderr)")
        #expect(third.wait(timeout: 10).code == 3)
        usleep(2_000_000)
        let thirdSettled = try store.resultCount(build: "third")
        usleep(1_500_000)
        #expect(try store.resultCount(build: "third") == thirdSettled)

        let finished = other.wait(timeout: 60)
        #expect(finished.code == 0, "\(finished.stderr)")
        #expect(try store.resultCount(build: "other") == 400)
        // Submitting a cancelled build again says it was cancelled; it is not judged on what ran.
        let again = try Testfleet.run(["submit", "--coordinator", endpoint, "--suite", "sim:4000,ms=20,seed=1", "--build", "long",
                                       "--quiet"], in: directory, timeout: 20)
        #expect(again.code == 3 && again.stderr.contains("cancelled"), "\(again.stderr)")
        let unknown = try Testfleet.run(["cancel", "--coordinator", endpoint, "--build", "nope"], in: directory, timeout: 20)
        #expect(unknown.code == 2, "\(unknown.stderr)")
    }
}
