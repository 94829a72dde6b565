@testable import Coordinator
import Model
import Testing
import Wire

/// A test that failed every ordinary attempt gets confirmation runs, which stop at its first pass.
@Suite struct ConfirmationStopTests {
    /// Runs t1 on a lone worker, answering each grant with the next outcome; returns the attempts run.
    func attempts(outcomes: [Outcome], maxAttempts: Int, confirmAttempts: Int) throws -> (FleetHarness, [Int]) {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.start(["t1"], maxAttempts: maxAttempts, confirmAttempts: confirmAttempts, confirmLimit: 1)
        var run: [Int] = []
        for outcome in outcomes {
            guard let grant = fleet.assigns(to: "w1").dropFirst(run.count).first else { break }
            run.append(try #require(grant.tests.first).attempt)
            fleet.report("w1", grant, outcome)
        }
        return (fleet, run)
    }

    @Test func confirmationRunsStopAtTheFirstPass() throws {
        let (fleet, run) = try attempts(outcomes: [.failed, .failed, .failed, .passed, .failed, .failed],
                                        maxAttempts: 2, confirmAttempts: 4)
        // Attempts 3 and 4 went out together (a slot and the retry lane), 5 when 3's slot freed;
        // attempt 4's pass ended the test, so 6 never went out, and 5 failing after it changed
        // nothing.
        #expect(run == [1, 2, 3, 4, 5])
        #expect(fleet.assigns(to: "w1").map { $0.tests.map(\.attempt) } == [[1], [2], [3], [4], [5]])
        #expect(fleet.finished == ["b1"])
        let build = try #require(fleet.build("b1"))
        #expect(build.failedCount == 0)
        #expect(build.status[0].confirming)
        #expect(build.retries.isEmpty)
    }

    @Test func aTestFailingEveryConfirmationRunFailsAfterAllOfThem() throws {
        let (fleet, run) = try attempts(outcomes: Array(repeating: .failed, count: 8), maxAttempts: 2, confirmAttempts: 3)
        #expect(run == [1, 2, 3, 4, 5])
        #expect(fleet.finished == ["b1"])
        #expect(fleet.build("b1")?.failedCount == 1)
    }

    @Test func onlyConfirmLimitTestsGetConfirmationRuns() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.start(["t1", "t2"], maxAttempts: 1, confirmAttempts: 2, confirmLimit: 1)
        let grant = try #require(fleet.assigns(to: "w1").first)
        #expect(grant.tests.count == 2)
        fleet.report("w1", grant, .failed)
        let confirmations = fleet.assigns(to: "w1").dropFirst().flatMap(\.tests)
        #expect(confirmations.map(\.attempt) == [2, 3])
        #expect(Set(confirmations.map(\.name)).count == 1)
        #expect(fleet.build("b1")?.failedCount == 1)
    }

    @Test func confirmationRunsGoOutTogetherAndTheFirstPassEndsTheTest() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.hello("w2")
        fleet.start(["t1", "t2"], maxAttempts: 1, confirmAttempts: 3)
        let g1 = try #require(fleet.assigns(to: "w1").first)
        let g2 = try #require(fleet.assigns(to: "w2").first)
        let failing = try #require(g1.tests.first).name
        fleet.report("w1", g1, .failed)
        // No timer needed: all three go out as the failure is stored. The first (attempt 2)
        // goes to the other worker, busy with g2, through its retry lane; the rest run side by
        // side on the failing worker's free slot and lane.
        let onW2 = fleet.assigns(to: "w2").dropFirst()
        let onW1 = fleet.assigns(to: "w1").dropFirst()
        #expect(onW2.map(\.tests) == [[GrantedTest(name: failing, attempt: 2)]])
        #expect(onW1.map(\.tests) == [[GrantedTest(name: failing, attempt: 3)], [GrantedTest(name: failing, attempt: 4)]])

        fleet.report("w1", try #require(onW1.last), .passed)
        // A confirmation run still running when another passed: stored, changes nothing.
        fleet.report("w2", try #require(onW2.first), .failed)
        fleet.report("w1", try #require(onW1.first), .failed)
        fleet.report("w2", g2, .passed)
        #expect(fleet.finished == ["b1"])
        let build = try #require(fleet.build("b1"))
        #expect(build.failedCount == 0)
        #expect(build.status[try #require(build.index(of: failing))].passedOnRetry)
        #expect(fleet.core.leases.isEmpty)
    }

    @Test func aRealBreakFailsOnlyOnceEveryConfirmationRunFailed() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        fleet.hello("w2")
        fleet.start(["t1"], maxAttempts: 1, confirmAttempts: 3)
        let first = try #require((fleet.assigns(to: "w1") + fleet.assigns(to: "w2")).first)
        let worker = fleet.assigns(to: "w1").isEmpty ? "w2" : "w1"
        fleet.report(worker, first, .failed)
        let confirmations = fleet.effects.compactMap { effect -> (String, Assign)? in
            guard case .send(.assign(let assign), let to) = effect, assign.lease != first.lease else { return nil }
            return (String(decoding: to, as: UTF8.self), assign)
        }
        #expect(confirmations.map { $0.1.tests[0].attempt }.sorted() == [2, 3, 4])
        for (index, (to, assign)) in confirmations.enumerated() {
            #expect(fleet.finished.isEmpty, "final before confirmation run \(index + 1) of 3 reported")
            fleet.report(to, assign, .failed)
        }
        #expect(fleet.finished == ["b1"])
        #expect(fleet.build("b1")?.failedCount == 1)
    }

    @Test func aRestartedCoordinatorSendsOnlyTheConfirmationRunsNotYetStored() throws {
        let fleet = FleetHarness()
        fleet.hello("w1")
        let spec = BuildSpec(id: "b1", suite: "sim:unit", maxAttempts: 2, confirmAttempts: 3, confirmLimit: 10)
        let planned = PlannedBuild(spec: spec, suites: [SuiteDefinition(name: "unit", adapter: .simulated, directory: "/")],
                                   tests: [TestCase(name: "t1", suite: 0)], grantCost: 1)
        // Stored before the restart: attempt 3 (the first confirmation run) failed on w2.
        fleet.core.start(planned, stored: ["t1": (attempt: 3, outcome: .failed, worker: "w2")], watcher: nil, now: fleet.now)
        fleet.drain()
        let sent = fleet.assigns(to: "w1")
        #expect(sent.map { $0.tests.map(\.attempt) } == [[4], [5]])
        for grant in sent { fleet.report("w1", grant, .failed) }
        #expect(fleet.finished == ["b1"])
        #expect(fleet.build("b1")?.failedCount == 1)
    }
}
