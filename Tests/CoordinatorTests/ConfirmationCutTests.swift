@testable import Coordinator
import Model
import Testing
import Wire

/// Once a test fails every confirmation run and the gate cannot excuse it, the build cannot
/// pass: the other tests' confirmation runs are dropped, their ordinary retries are not.
@Suite struct ConfirmationCutTests {
    /// Two workers, t1 and t2 (one each), one ordinary attempt and two confirmation runs: t1
    /// fails on w1 and fails both confirmation runs. Returns the harness and t2's first grant.
    func t1FailsEverything() throws -> (FleetHarness, Assign, worker: String) {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.hello("w2")
        fleet.start(["t1", "t2"], maxAttempts: 1, confirmAttempts: 2)
        let grants = fleet.assigns(to: "w1") + fleet.assigns(to: "w2")
        let g1 = try #require(grants.first { $0.tests.map(\.name) == ["t1"] })
        let g2 = try #require(grants.first { $0.tests.map(\.name) == ["t2"] })
        let w1 = fleet.assigns(to: "w1").contains { $0.lease == g1.lease } ? "w1" : "w2"
        let w2 = w1 == "w1" ? "w2" : "w1"
        fleet.report(w1, g1, .failed)
        for worker in ["w1", "w2"] {
            for grant in fleet.assigns(to: worker) where grant.tests.first?.attempt ?? 1 > 1 {
                #expect(fleet.askedWhetherBlocking.isEmpty, "asked before every confirmation run failed")
                fleet.report(worker, grant, .failed)
            }
        }
        #expect(fleet.askedWhetherBlocking == ["b1/t1"])
        return (fleet, g2, w2)
    }

    /// `t1FailsEverything`, the store's answer about t1, then t2 failing its one ordinary
    /// attempt: returns the harness and the tests granted after that failure.
    func t2FailsAfterTheAnswer(blocks: Bool) throws -> (FleetHarness, [GrantedTest]) {
        let (fleet, g2, w2) = try t1FailsEverything()
        fleet.answerWhetherBlocking(test: "t1", blocks: blocks)
        let before = fleet.effects.count
        fleet.report(w2, g2, .failed)
        let later = Array(fleet.effects.dropFirst(before))
        return (fleet, (fleet.assigns(to: "w1", in: later) + fleet.assigns(to: "w2", in: later)).flatMap(\.tests))
    }

    @Test func aTestThatCannotBeExcusedEndsTheOtherTestsConfirmationRuns() throws {
        let (fleet, granted) = try t2FailsAfterTheAnswer(blocks: true)
        // With the build lost, no confirmation run of t2 goes out.
        #expect(granted.isEmpty)
        #expect(fleet.finished == ["b1"])
        #expect(fleet.build("b1")?.failedCount == 2)
        #expect(fleet.askedWhetherBlocking == ["b1/t1"])
    }

    @Test func aTestTheGateMayExcuseLeavesTheOthersTheirConfirmationRuns() throws {
        let (fleet, granted) = try t2FailsAfterTheAnswer(blocks: false)
        #expect(granted.map(\.attempt).sorted() == [2, 3])
        #expect(granted.allSatisfy { $0.name == "t2" })
        #expect(fleet.finished.isEmpty)
    }

    /// The grants (and their workers) holding a confirmation run of `test`.
    func confirmations(of test: String, in fleet: FleetHarness) -> [(worker: String, grant: Assign)] {
        ["w1", "w2"].flatMap { worker in
            fleet.assigns(to: worker).filter { $0.tests.contains { $0.name == test && $0.attempt > 1 } }.map { (worker, $0) }
        }
    }

    @Test func confirmationRunsUnderWayEndWithTheBuildAndLateResultsChangeNothing() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.hello("w2")
        fleet.start(["t1", "t2"], maxAttempts: 1, confirmAttempts: 2)
        let ordinary = try ["w1", "w2"].map { worker in (worker, try #require(fleet.assigns(to: worker).first)) }
        // Both fail their one ordinary attempt: each gets two confirmation runs.
        for (worker, grant) in ordinary { fleet.report(worker, grant, .failed) }
        let t2Running = confirmations(of: "t2", in: fleet)
        #expect(!t2Running.isEmpty, "no confirmation run of t2 under way")
        for (worker, grant) in confirmations(of: "t1", in: fleet) {
            fleet.report(worker, lease: grant.lease, grant.tests.filter { $0.name == "t1" }.map { ($0.name, $0.attempt, .failed) })
        }
        #expect(fleet.askedWhetherBlocking == ["b1/t1"])
        #expect(fleet.finished.isEmpty)
        fleet.answerWhetherBlocking(test: "t1", blocks: true)
        #expect(fleet.finished == ["b1"])
        let build = try #require(fleet.build("b1"))
        #expect(build.failedCount == 2)
        #expect(build.retries.isEmpty)
        // t2's runs under way report afterwards, passing: stored by the shell, and the build's
        // state stays as it was.
        for (worker, grant) in t2Running {
            fleet.report(worker, lease: grant.lease, grant.tests.filter { $0.name == "t2" }.map { ($0.name, $0.attempt, .passed) })
        }
        #expect(fleet.finished == ["b1"])
        #expect(build.failedCount == 2)
        #expect(fleet.askedWhetherBlocking == ["b1/t1"])
    }

    @Test func confirmationRunsUnderWayAreRevokedWhileTheBuildGoesOn() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.hello("w2")
        fleet.start(["t1", "t2", "t3"], maxAttempts: 1, confirmAttempts: 2)
        let ordinary = ["w1", "w2"].flatMap { worker in fleet.assigns(to: worker).map { (worker, $0) } }
        // t1 and t2 fail their one ordinary attempt; t3 is still running.
        for (worker, grant) in ordinary {
            fleet.report(worker, lease: grant.lease, grant.tests.filter { $0.name != "t3" }.map { ($0.name, $0.attempt, .failed) })
        }
        // One test per confirmation grant.
        #expect((confirmations(of: "t1", in: fleet) + confirmations(of: "t2", in: fleet)).allSatisfy { $0.grant.tests.count == 1 })
        var reported: Set<UInt64> = []
        while fleet.askedWhetherBlocking.isEmpty {
            let (worker, grant) = try #require(confirmations(of: "t1", in: fleet).first { !reported.contains($0.grant.lease) },
                                               "t1's confirmation runs stopped going out")
            reported.insert(grant.lease)
            fleet.report(worker, grant, .failed)
        }
        let t2Running = confirmations(of: "t2", in: fleet)
        #expect(!t2Running.isEmpty, "no confirmation run of t2 under way")
        let before = fleet.effects.count
        fleet.answerWhetherBlocking(test: "t1", blocks: true)
        let revoked = fleet.effects.dropFirst(before).compactMap { effect -> UInt64? in
            if case .send(.revoke(let revoke), _) = effect { return revoke.lease }
            return nil
        }
        #expect(Set(revoked) == Set(t2Running.map(\.grant.lease)))
        #expect(fleet.finished.isEmpty)
        for (worker, grant) in ordinary where grant.tests.contains(where: { $0.name == "t3" }) {
            fleet.report(worker, lease: grant.lease, [("t3", 1, .passed)])
        }
        #expect(fleet.finished == ["b1"])
        #expect(fleet.build("b1")?.failedCount == 2)
        #expect(fleet.core.leases.isEmpty)
    }

    /// Confirmation runs wait cheapest test first, so the first test confirmed broken is most
    /// likely a cheap one, and a slow one's runs are the ones a lost build drops.
    @Test func confirmationRunsWaitCheapestTestFirst() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.start(["slow", "cheap"], maxAttempts: 1, confirmAttempts: 4, predicted: [5, 0.01])
        // The slow test fails first: its confirmation runs fill the slot and the retry lane, the
        // rest wait. Then the cheap one fails.
        for name in ["slow", "cheap"] {
            let grant = try #require(fleet.assigns(to: "w1").first { $0.tests.contains { $0.name == name && $0.attempt == 1 } },
                                     "\(name) never went out")
            fleet.report("w1", lease: grant.lease, [(name, 1, .failed)] + grant.tests.filter { $0.name != name }
                .map { ($0.name, $0.attempt, .failed) })
        }
        let build = try #require(fleet.build("b1"))
        let queued = build.retries.map { build.planned.tests[$0.index].name }
        #expect(queued.contains("slow") && queued.contains("cheap"), "\(queued)")
        #expect(queued == queued.sorted { $0 == "cheap" && $1 == "slow" }, "the cheap test's runs wait ahead: \(queued)")
    }
}
