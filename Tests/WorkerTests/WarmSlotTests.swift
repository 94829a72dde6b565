import Foundation
import Model
import Testing
import Wire
@testable import Worker

/// A real slot pool (slot threads, retry lane, warm pytest sessions) running real pytest on
/// Tests/Fixtures/pytest-warm: state a test leaks into a warm process never fakes a retry's pass.
@Suite(.serialized) struct WarmSlotTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/pytest-warm").path
    static let needsPoison = "tests/test_poison.py::test_needs_poison"
    static let poisons = "tests/test_poison.py::test_poisons"

    let cache = FileManager.default.temporaryDirectory.appendingPathComponent("testfleet-warm-slot-\(UUID().uuidString)").path

    func assign(_ lease: UInt64, _ tests: [(String, Int)]) -> Assign {
        let suite = SuiteDefinition(name: "warm", adapter: .pytest, directory: Self.fixture, timeout: 60,
                                    environment: ["PYTHONDONTWRITEBYTECODE": "1", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"])
        return Assign(lease: lease, build: "b1", suite: suite, deadlineMilliseconds: 600_000,
                      tests: tests.map { GrantedTest(name: $0.0, attempt: $0.1) })
    }

    /// Runs `assign` on `pool` and returns its results once the lease is done.
    func results(of assign: Assign, on pool: SlotPool) -> [String: TestResult] {
        pool.enqueue(assign)
        return finish(assign.lease, on: pool).results
    }

    /// A one-slot pool with warm sessions, its cache under `cache`.
    func warmPool() -> SlotPool {
        var config = WorkerConfig(endpoint: "tcp://127.0.0.1:0", id: "w-warm", arch: .x86_64, slots: 1, cacheDirectory: cache)
        config.warmSessions = true
        return SlotPool(config: config)
    }

    func close(_ pool: SlotPool) {
        pool.close()
        try? FileManager.default.removeItem(atPath: cache)
        try? FileManager.default.removeItem(atPath: marker)
    }

    /// Where `test_slow_head` says it started.
    var marker: String { cache + "-started" }

    /// Enqueues `grant` with `test_slow_head` told to say when it starts, and waits until it has
    /// (false: it did not within a minute).
    @discardableResult
    func startSlowHead(_ grant: Assign, on pool: SlotPool) -> Bool {
        var grant = grant
        grant.suite.environment["TESTFLEET_FIXTURE_STARTED"] = marker
        pool.enqueue(grant)
        let started = Date(timeIntervalSinceNow: 60)
        while !FileManager.default.fileExists(atPath: marker) && Date() < started { Thread.sleep(forTimeInterval: 0.02) }
        return FileManager.default.fileExists(atPath: marker)
    }

    @Test func aTestThatPoisonsModuleStateDoesNotMakeAnotherPassOnRetry() throws {
        let pool = warmPool()
        defer { close(pool) }
        // First attempts, warm: the test needing the poison runs first and fails; the other
        // then poisons the warm process's module state.
        let first = results(of: assign(1, [(Self.needsPoison, 1), (Self.poisons, 1)]), on: pool)
        #expect(first[Self.needsPoison]?.outcome == .failed)
        #expect(first[Self.poisons]?.outcome == .passed)

        // The retry runs in a fresh process, so the leaked state cannot fake a pass.
        let retry = results(of: assign(2, [(Self.needsPoison, 2)]), on: pool)
        #expect(retry[Self.needsPoison]?.outcome == .failed, "a retry must not see state leaked by other tests")
        #expect(retry[Self.needsPoison]?.attempt == 2)
        let third = results(of: assign(3, [(Self.needsPoison, 3), (Self.poisons, 3)]), on: pool)
        #expect(third[Self.needsPoison]?.outcome == .failed)

        // Control: a first attempt in the same warm process does see the poison, so the cold
        // retries above are what kept it out (this test would catch a warm retry).
        let control = results(of: assign(4, [(Self.needsPoison, 1)]), on: pool)
        #expect(control[Self.needsPoison]?.outcome == .passed, "the warm process kept the poisoned state")
    }

    /// A context (what the coordinator sends: the file's tests a plain run runs first) runs
    /// before its test in the process the test runs in, unreported, so the test sees the state
    /// they leave, as in that run: a retry's fresh process (`BuildState.retryContext`), or the
    /// warm session of a first attempt where a session starts in the middle of its file
    /// (`BuildState.startContext`).
    @Test(arguments: [2, 1])
    func aContextRunsBeforeItsTestInItsProcessUnreported(attempt: Int) throws {
        let pool = warmPool()
        defer { close(pool) }
        var grant = assign(1, [(Self.needsPoison, attempt)])
        grant.tests[0].context = [Self.poisons]
        let ran = results(of: grant, on: pool)
        #expect(ran[Self.needsPoison]?.outcome == .passed, "the context ran first in the test's process")
        #expect(ran[Self.needsPoison]?.attempt == attempt)
        #expect(ran[Self.poisons] == nil, "a context test is run, not reported")
        // Control: without it, on a pool in which nothing ran, the same attempt fails.
        let clean = warmPool()
        defer { close(clean) }
        #expect(results(of: assign(2, [(Self.needsPoison, attempt)]), on: clean)[Self.needsPoison]?.outcome == .failed)
    }

    @Test func aFirstAttemptMovedOutOfOrderRunsInAProcessOfItsOwn() throws {
        let pool = warmPool()
        defer { close(pool) }
        // The coordinator sent the poisoning test first, out of collection order (`alone`): it
        // runs in a fork server's child, so the warm session's tests after it never see its state.
        var grant = assign(1, [(Self.poisons, 1), (Self.needsPoison, 1)])
        grant.tests[0].alone = true
        let first = results(of: grant, on: pool)
        #expect(first[Self.poisons]?.outcome == .passed)
        #expect(first[Self.needsPoison]?.outcome == .failed, "the warm session saw the state of a test run alone")
        let places = [Self.poisons, Self.needsPoison].compactMap { first[$0]?.place?.process }
        #expect(places.count == 2 && places[0] != places[1], "\(places)")
        // Control: the same grant without the flag poisons the session.
        let control = results(of: assign(2, [(Self.poisons, 1), (Self.needsPoison, 1)]), on: pool)
        #expect(control[Self.needsPoison]?.outcome == .passed)
    }

    @Test func testsMovedOutOfOrderShareAChildPerUnitAndNoMore() throws {
        let pool = warmPool()
        defer { close(pool) }
        // A long test and the rest of its class, sent ahead together (`alone`): one child, in
        // their order, so the class's cache is filled once, as in a plain run.
        let fills = "tests/test_class_cache.py::TestClassCache::test_fills_cache"
        let uses = "tests/test_class_cache.py::TestClassCache::test_uses_cache"
        var grant = assign(1, [(fills, 1), (uses, 1), (Self.poisons, 1), (Self.needsPoison, 1)])
        for index in grant.tests.indices { grant.tests[index].alone = true }
        let first = results(of: grant, on: pool)
        #expect(first[uses]?.outcome == .passed, "the class's tests ran in two processes")
        let places = [fills, uses].compactMap { first[$0]?.place }
        #expect(places.count == 2 && places[0].process == places[1].process && places[0].position < places[1].position, "\(places)")
        // Two top-level functions are two units: a child each, so the poison does not reach.
        #expect(first[Self.poisons]?.outcome == .passed)
        #expect(first[Self.needsPoison]?.outcome == .failed, "two units shared a child")
        let processes = Set([fills, Self.poisons, Self.needsPoison].compactMap { first[$0]?.place?.process })
        #expect(processes.count == 3, "\(processes)")
    }

    @Test func firstAttemptsBehindWhatTheSessionRanRunTogetherInAFreshProcess() throws {
        let pool = warmPool()
        defer { close(pool) }
        // The warm session runs the poisoning test.
        let first = results(of: assign(1, [(Self.poisons, 1)]), on: pool)
        let session = try #require(first[Self.poisons]?.place?.process)
        // Tests behind it (`fresh`, as a reclaimed tail of an earlier file comes) run in one
        // fork server's child, in their order, never in the poisoned session.
        var behind = assign(2, [(Self.needsPoison, 1)])
        behind.tests[0].fresh = true
        let clean = results(of: behind, on: pool)
        #expect(clean[Self.needsPoison]?.outcome == .failed, "a fresh test ran in the session after what it ran")
        #expect(clean[Self.needsPoison]?.place.map { $0.process != session } == true)
        var both = assign(3, [(Self.poisons, 1), (Self.needsPoison, 1)])
        both.tests[0].fresh = true
        both.tests[1].fresh = true
        let together = results(of: both, on: pool)
        #expect(together[Self.needsPoison]?.outcome == .passed, "the grant's fresh tests share one process, in order")
        let places = [Self.poisons, Self.needsPoison].compactMap { together[$0]?.place }
        #expect(places.count == 2 && places[0].process == places[1].process && places[0].process != session, "\(places)")
        #expect(places.count == 2 && places[0].position < places[1].position, "\(places)")
        // Control: without the flag the session's poison shows.
        let control = results(of: assign(4, [(Self.needsPoison, 1)]), on: pool)
        #expect(control[Self.needsPoison]?.outcome == .passed)
    }

    @Test func testsMovedOutOfOrderRunOneChildPerRunOfAUnit() {
        let runs = SlotPool.unitRuns(of: ["a.py::TestK::test_1", "a.py::TestK::test_2[x::y]", "a.py::test_f[1]",
                                          "a.py::test_f[2]", "b.py::TestK::test_1", "a.py::TestK::test_3"])
        #expect(runs == [["a.py::TestK::test_1", "a.py::TestK::test_2[x::y]"], ["a.py::test_f[1]", "a.py::test_f[2]"],
                         ["b.py::TestK::test_1"], ["a.py::TestK::test_3"]])
        #expect(SlotPool.unitRuns(of: []).isEmpty)
    }

    @Test func contextsGoBeforeTheirTestsOnceEach() {
        #expect(SlotPool.withContexts(["c"], [[]]) == ["c"])
        #expect(SlotPool.withContexts(["c", "x"], [["a", "b"], []]) == ["a", "b", "c", "x"])
        // Two failed tests of one file: the earlier runs where the later's context puts it.
        #expect(SlotPool.withContexts(["c", "b"], [["a", "b"], ["a"]]) == ["a", "b", "c"])
    }

    static let slowHead = "tests/test_handback.py::test_slow_head"
    static func quick(_ n: Int) -> String { "tests/test_handback.py::test_quick[\(n)]" }

    /// Runs `pool` until `lease` is done; returns its results and every hand-back of it.
    func finish(_ lease: UInt64, on pool: SlotPool) -> (results: [String: TestResult], handedBack: [(UInt64, [String])]) {
        var results: [String: TestResult] = [:], handedBack: [(UInt64, [String])] = []
        let deadline = Date(timeIntervalSinceNow: 120)
        while Date() < deadline {
            for item in pool.takeFinished() {
                switch item {
                case .result(let l, _, let result) where l == lease: results[result.test] = result
                case .handedBack(let l, _, let reclaim, let tests) where l == lease: handedBack.append((reclaim, tests))
                case .leaseDone(let l) where l == lease: return (results, handedBack)
                default: break
                }
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        Issue.record("lease \(lease) did not finish within 120 s")
        return (results, handedBack)
    }

    /// The slow head and eight quick tests as one grant of first attempts; with `fresh`, all
    /// behind the session's place, so they run in a fork server's child instead of the session.
    func slowGrant(_ lease: UInt64, fresh: Bool) -> Assign {
        var grant = assign(lease, [(Self.slowHead, 1)] + (0..<8).map { (Self.quick($0), 1) })
        for index in grant.tests.indices { grant.tests[index].fresh = fresh }
        return grant
    }

    /// In the warm session, or in a fork server's child (a first build's tests behind the
    /// session's place: a child that kept a file's slow tests idled the other worker).
    @Test(arguments: [false, true])
    func aRunningWarmGrantGivesBackItsUnstartedTailAndRunsTheRest(fresh: Bool) throws {
        let pool = warmPool()
        defer { close(pool) }
        #expect(startSlowHead(slowGrant(1, fresh: fresh), on: pool), "the slow first test started")

        // While the first test runs: keep through quick[1].
        pool.reclaim(Reclaim(lease: 1, build: "b1", id: 7, keepThrough: Self.quick(1)))
        let (results, handedBack) = finish(1, on: pool)
        let tail = (2..<8).map(Self.quick)
        #expect(handedBack.count == 1 && handedBack.first?.0 == 7, "one answer, to reclaim 7: \(handedBack)")
        #expect(handedBack.first?.1 == tail, "the unstarted tail, in order")
        #expect(Set(results.keys) == [Self.slowHead, Self.quick(0), Self.quick(1)], "the rest ran, nothing else: \(results.keys)")
        #expect(results.values.allSatisfy { $0.outcome == .passed })

        // Asked once the grant has ended: nothing to give back, and it says so.
        pool.reclaim(Reclaim(lease: 1, build: "b1", id: 8, keepThrough: Self.quick(1)))
        let late = pool.takeFinished()
        #expect(late.count == 1, "\(late)")
        if case .handedBack(1, "b1", 8, let tests)? = late.first { #expect(tests.isEmpty) } else { Issue.record("\(late)") }
    }

    /// A reclaim that comes while a long test runs is answered before that test ends: the idle
    /// worker gets its share at once, not when the session next looks between tests.
    @Test(arguments: [false, true])
    func aReclaimIsAnsweredWhileTheRunningTestStillRuns(fresh: Bool) throws {
        let pool = warmPool()
        defer { close(pool) }
        #expect(startSlowHead(slowGrant(1, fresh: fresh), on: pool))
        pool.reclaim(Reclaim(lease: 1, build: "b1", id: 7, keepThrough: Self.quick(0)))
        var seen: [String] = []
        let deadline = Date(timeIntervalSinceNow: 60)
        while !seen.contains("answer") && Date() < deadline {
            for item in pool.takeFinished() {
                switch item {
                case .handedBack(1, _, 7, let tests): seen.append("answer")
                    #expect(tests == (1..<8).map(Self.quick), "past quick[0], set up next: \(tests)")
                    let said = try? String(contentsOfFile: marker, encoding: .utf8)
                    #expect(said == "started", "answered while the slow test still ran, not after it (\(said ?? "?"))")
                case .result(1, _, let result): seen.append(result.test)
                default: break
                }
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        #expect(seen.first == "answer", "answered before the slow test's result: \(seen)")
        let (ran, later) = finish(1, on: pool)
        #expect(later.isEmpty, "one answer: \(later)")
        #expect(Set(ran.keys).union(seen) == Set([Self.slowHead, Self.quick(0), "answer"]), "\(ran.keys)")
        #expect(ran.values.allSatisfy { $0.outcome == .passed })
    }

    /// The test pytest set up for next goes too when asked, and what was set up for it is torn
    /// down then: a finalizer that fails there makes the test that ran an error, as pytest
    /// reports a failing teardown after a run's last test.
    /// A fork server's child (`fresh`) tears down all it set up, as after its grant's last test.
    @Test(arguments: [false, true], [false, true])
    func aHandBackCanTakeTheTestSetUpNext(teardownFails: Bool, fresh: Bool) throws {
        let pool = warmPool()
        defer { close(pool) }
        var grant = slowGrant(1, fresh: fresh)
        if teardownFails { grant.suite.environment["TESTFLEET_FIXTURE_TEARDOWN_FAILS"] = "1" }
        grant.suite.environment["TESTFLEET_FIXTURE_STARTED"] = marker  // as startSlowHead sets it: one session for both grants
        #expect(startSlowHead(grant, on: pool), "the slow first test started")

        pool.reclaim(Reclaim(lease: 1, build: "b1", id: 7, keepThrough: Self.slowHead))
        let (ran, handedBack) = finish(1, on: pool)
        #expect(handedBack.first?.1 == (0..<8).map(Self.quick), "all eight, quick[0] (set up next) too: \(handedBack)")
        #expect(Set(ran.keys) == [Self.slowHead], "\(ran.keys)")
        let head = try #require(ran[Self.slowHead])
        if teardownFails {
            #expect(head.outcome == .error, "\(head.outcome)")
            let output = try OutputCodec.decompress(head.compressedOutput, originalSize: head.outputSize)
            #expect(String(decoding: output, as: UTF8.self).contains("module_resource teardown failed"))
        } else {
            #expect(head.outcome == .passed)
        }

        // The session tore down cleanly: its next grant runs the module's tests from the start.
        var next = assign(2, (0..<2).map { (Self.quick($0), 1) })
        next.suite.environment = grant.suite.environment  // the same session
        let again = results(of: next, on: pool)
        #expect(again[Self.quick(0)]?.outcome == .passed && again[Self.quick(1)]?.outcome == (teardownFails ? .error : .passed),
                "\(again.mapValues(\.outcome))")
    }

    /// Asked to alternate, a running grant and a queued one each give back every other test
    /// after the one they keep through, and run the rest.
    @Test func anAlternateReclaimGivesBackEveryOtherTest() throws {
        let pool = warmPool()
        defer { close(pool) }
        #expect(startSlowHead(assign(1, [(Self.slowHead, 1)] + (0..<8).map { (Self.quick($0), 1) }), on: pool))
        pool.enqueue(assign(2, (0..<8).map { (Self.quick($0), 1) }))
        pool.reclaim(Reclaim(lease: 2, build: "b1", id: 9, keepThrough: Self.quick(0), alternate: true))
        let answer = pool.takeFinished()
        if case .handedBack(2, "b1", 9, let tests)? = answer.first {
            #expect(tests == [2, 4, 6].map(Self.quick), "the queued grant keeps quick[1], gives quick[2], …")
        } else {
            Issue.record("\(answer)")
        }
        pool.reclaim(Reclaim(lease: 1, build: "b1", id: 7, keepThrough: Self.slowHead, alternate: true))
        let (ran, handedBack) = finish(1, on: pool)
        let odd = [1, 3, 5, 7].map(Self.quick)
        #expect(handedBack.first?.1 == odd, "quick[0] (set up next) stays, then every other one: \(handedBack)")
        #expect(Set(ran.keys) == Set([Self.slowHead] + [0, 2, 4, 6].map(Self.quick)), "\(ran.keys)")
        let (queued, queuedBack) = finish(2, on: pool)
        #expect(queuedBack.isEmpty, "\(queuedBack)")
        #expect(Set(queued.keys) == Set([0, 1, 3, 5, 7].map(Self.quick)), "\(queued.keys)")
    }

    @Test func aQueuedGrantGivesBackItsTailAtOnce() throws {
        let pool = warmPool()
        defer { close(pool) }
        startSlowHead(assign(1, [(Self.slowHead, 1)]), on: pool)
        // The one slot is busy, so this grant waits in the queue (a prefetched grant).
        pool.enqueue(assign(2, (0..<8).map { (Self.quick($0), 1) }))
        pool.reclaim(Reclaim(lease: 2, build: "b1", id: 9, keepThrough: Self.quick(4)))
        // Answered at once, while the first grant still runs.
        let answer = pool.takeFinished()
        #expect(answer.count == 1, "\(answer)")
        if case .handedBack(2, "b1", 9, let tests)? = answer.first {
            #expect(tests == (5..<8).map(Self.quick))
        } else {
            Issue.record("\(answer)")
        }
        #expect(finish(1, on: pool).results[Self.slowHead]?.outcome == .passed)
        let (results, handedBack) = finish(2, on: pool)
        #expect(handedBack.isEmpty)
        #expect(Set(results.keys) == Set((0...4).map(Self.quick)), "\(results.keys)")
    }
}
