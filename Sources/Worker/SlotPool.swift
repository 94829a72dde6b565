import Adapters
import Foundation
import Model
import Transport
import Wire
import Workspaces

/// What slot threads hand back to the socket thread.
enum Outgoing {
    case result(lease: UInt64, build: String, TestResult)
    case leaseDone(UInt64)
    /// The lease could not run here at all (workspace fetch or setup failed): see `WorkspaceFault`.
    case fault(lease: UInt64, build: String, message: String)
    /// The answer to a `Reclaim`: the lease's tests given back unrun (maybe none).
    case handedBack(lease: UInt64, build: String, reclaim: UInt64, tests: [String])
    /// A test of the lease ran and its slot holds its result back until its next grant comes
    /// (`SlotLookahead`); the coordinator's acknowledgement comes to `holdingAnswered`.
    case holding(lease: UInt64, build: String, test: String)
}

/// Where a session's grants run and where their results come back from: the slot threads in
/// production (`SlotPool`); tests use a list.
protocol GrantRunner {
    /// Queues a grant to run.
    func enqueue(_ assign: Assign)
    /// Results and finished leases since the last call, in the order they happened.
    func takeFinished() -> [Outgoing]
    /// The coordinator took this lease back: drop it if it has not started, report nothing more
    /// of it (a test already running ends on its own timeout at worst).
    func cancel(lease: UInt64)
    /// The coordinator wants the lease's tests after `reclaim.keepThrough` that have not started;
    /// answered (maybe with none) by a `.handedBack` among the finished items.
    func reclaim(_ reclaim: Reclaim)
    /// The coordinator acknowledged a lease's `holding`: what it granted in answer is queued.
    func holdingAnswered(lease: UInt64)
}

/// The threads that run grants. Each slot takes one grant at a time and runs it through its
/// adapter; results go to the outbox and wake the socket thread.
final class SlotPool: GrantRunner, Sendable {
    let config: WorkerConfig
    let outbox = Locked<[Outgoing]>([])
    let wake = EventSignal()
    /// Where grants of builds that name their code (a commit) get it.
    let workspaces: WorkspaceCache
    let queue = Locked<[Assign]>([])
    let available = NSCondition()
    let closed = Locked(false)
    /// Leases whose `holding` the coordinator acknowledged, until their slot reads it.
    let holdsAnswered = Locked<Set<UInt64>>([])
    private let revoked = Locked<Set<UInt64>>([])
    /// Leases running in a warm session, which can give back tests they have not started.
    /// `perArch`: its tests are per-arch copies (`name@arch`), which the session runs as `name`.
    private let reclaimable = Locked<[UInt64: (reclaim: GrantReclaim, perArch: Bool)]>([:])
    /// The test files a build's first lease of a pytest suite carried (`Assign.modules`), by warm
    /// key, for every slot's session of that key to import before its first test; the newest few.
    private let testModules = Locked<[(key: String, files: [String])]>([])
    /// Compiled go test binaries, shared by the slots (nil when warm sessions are off).
    let goBinaries: GoTestBinaries?
    /// pytest fork servers for retries and confirmation runs, shared by the slots and the retry
    /// lane (nil when warm sessions are off: then every retry is a fresh pytest process).
    let pytestForkServers: PytestForkServers?
    /// Cold retries of a warm key take turns on this worker: they share its children mirror.
    let coldRetryTurns = KeyTurns()

    init(config: WorkerConfig) {
        self.config = config
        workspaces = WorkspaceCache(root: config.cacheDirectory, limitBytes: config.cacheLimitBytes) { line in
            FileHandle.standardError.write(Data("testfleet worker \(config.id): workspace: \(line)\n".utf8))
        }
        goBinaries = config.warmSessions ? GoTestBinaries(cacheDirectory: config.cacheDirectory) { line in
            FileHandle.standardError.write(Data("testfleet worker \(config.id): \(line)\n".utf8))
        } : nil
        pytestForkServers = config.warmSessions ? PytestForkServers(cacheDirectory: config.cacheDirectory) { line in
            FileHandle.standardError.write(Data("testfleet worker \(config.id): \(line)\n".utf8))
        } : nil
        for slot in 0..<config.slots {
            let thread = Thread { [self] in
                // The slot's warm pytest processes live and die with its thread.
                let warm = config.warmSessions ? PytestWarmSessions(cacheDirectory: config.cacheDirectory) { line in
                    FileHandle.standardError.write(Data("testfleet worker \(config.id) slot \(slot): \(line)\n".utf8))
                } : nil
                if let warm { prewarm(into: warm) }
                runSlot(retriesOnly: false, warm: warm)
                warm?.shutdown()
            }
            thread.name = "testfleet-slot-\(slot)"
            thread.start()
        }
        // The retry lane: a grant of retries sent while every slot is busy starts at once
        // instead of queueing behind the build's ordinary grants (the coordinator sends at most
        // one such grant at a time).
        // Retries never run warm: see `run(_:warm:)`.
        let lane = Thread { [self] in runSlot(retriesOnly: true, warm: nil) }
        lane.name = "testfleet-retry-lane"
        lane.start()
    }

    func enqueue(_ assign: Assign) {
        if let source = assign.workspace { workspaces.received(source) }
        available.lock()
        queue.withLock { $0.append(assign) }
        // Broadcast: a waiting retry lane cannot take an ordinary grant, so one signal could
        // wake only it and leave the grant waiting while a slot idles.
        available.broadcast()
        available.unlock()
    }

    func cancel(lease: UInt64) {
        revoked.withLock { _ = $0.insert(lease) }
        let dropped = queue.withLock { list -> Bool in
            let before = list.count
            list.removeAll { $0.lease == lease }
            return list.count != before
        }
        if dropped { revoked.withLock { _ = $0.remove(lease) } }
    }

    func reclaim(_ reclaim: Reclaim) {
        // A grant still queued here (prefetched) gives back its tail at once.
        let fromQueue = queue.withLock { list -> [String]? in
            guard let at = list.firstIndex(where: { $0.lease == reclaim.lease }) else { return nil }
            guard let keep = list[at].tests.firstIndex(where: { $0.name == reclaim.keepThrough }) else { return [] }
            let (kept, given) = Reclaim.partition(Array(list[at].tests[(keep + 1)...]), alternate: reclaim.alternate)
            list[at].tests = Array(list[at].tests[...keep]) + kept
            return given.map(\.name)
        }
        if let fromQueue {
            post(.handedBack(lease: reclaim.lease, build: reclaim.build, reclaim: reclaim.id, tests: fromQueue))
        } else if let running = reclaimable.withLock({ $0[reclaim.lease] }),
                  running.reclaim.request(id: reclaim.id, keepThrough: running.perArch
                      ? PerArchName.original(of: reclaim.keepThrough) : reclaim.keepThrough, alternate: reclaim.alternate) {
            return  // answered by the slot serving it
        } else {
            // Not running in a warm session (or it ended): nothing can be stopped early.
            post(.handedBack(lease: reclaim.lease, build: reclaim.build, reclaim: reclaim.id, tests: []))
        }
    }

    /// Whether something waits to go out and all of it is test results (which may wait a little
    /// to go out together).
    var finishedAreResultsOnly: Bool {
        outbox.withLock { list in
            !list.isEmpty && list.allSatisfy { if case .result = $0 { true } else { false } }
        }
    }

    func takeFinished() -> [Outgoing] {
        outbox.withLock { list -> [Outgoing] in
            defer { list.removeAll(keepingCapacity: true) }
            return list
        }
    }

    func close() {
        available.lock()
        closed.withLock { $0 = true }
        available.broadcast()
        available.unlock()
        pytestForkServers?.shutdown()
    }

    private func take(retriesOnly: Bool) -> Assign? {
        available.lock()
        defer { available.unlock() }
        while true {
            let next = queue.withLock { queue -> Assign? in
                guard let at = queue.firstIndex(where: { !retriesOnly || Self.isRetry($0) }) else { return nil }
                return queue.remove(at: at)
            }
            if let next { return next }
            if closed.withLock({ $0 }) { return nil }
            available.wait()
        }
    }

    /// A grant of retries only (every test past its first attempt): the retry lane takes these.
    static func isRetry(_ assign: Assign) -> Bool {
        !assign.tests.isEmpty && assign.tests.allSatisfy { $0.attempt > 1 }
    }

    private func runSlot(retriesOnly: Bool, warm: PytestWarmSessions?) {
        let lookahead = warm == nil ? nil : SlotLookahead()
        while let assign = lookahead?.taken ?? take(retriesOnly: retriesOnly) {
            if let lookahead, lookahead.taken != nil {
                lookahead.taken = nil
                // Taken early and cancelled since: dropped, as a cancelled queued grant is.
                if revoked.withLock({ $0.remove(assign.lease) != nil }) { continue }
            }
            lookahead?.running = (Self.warmKey(assign), assign.lease, assign.build)
            runInWorkspace(assign, warm: warm, lookahead: lookahead)
            revoked.withLock { _ = $0.remove(assign.lease) }
            post(.leaseDone(assign.lease))
        }
    }

    func post(_ item: Outgoing) {
        if case .result(let lease, _, _) = item, revoked.withLock({ $0.contains(lease) }) { return }
        let wasEmpty = outbox.withLock { list -> Bool in
            list.append(item)
            return list.count == 1
        }
        if wasEmpty { wake.signal() }
    }

    /// Runs a grant where its build's code is: the commit checked out in this worker's cache and
    /// the suite's `setup` done there first. When that fails the whole lease is a fault of this
    /// worker (reported as such, so the tests go elsewhere), never a test failure.
    func runInWorkspace(_ assign: Assign, warm: PytestWarmSessions? = nil, lookahead: SlotLookahead? = nil) {
        var assign = assign
        guard let source = assign.workspace else {
            assign.suite = inOwnCopy(assign.suite)
            return run(assign, warm: warm, lookahead: lookahead)
        }
        do {
            let checkout = try workspaces.acquire(source)
            defer { workspaces.release(source.commit) }
            assign.suite.directory = try workspaces.prepare(assign.suite, checkout: checkout, commit: source.commit)
            run(assign, warm: warm, lookahead: lookahead)
        } catch {
            post(.fault(lease: assign.lease, build: assign.build, message: error.message))
        }
    }

    /// Starts the configured warm sessions (`WorkerConfig.prewarm`) in this slot before it takes
    /// a grant; the first of a key also forks the worker's fork server (its twin). A session
    /// asked for a listing that could not start says so beside it, so its reader does not wait.
    private func prewarm(into warm: PytestWarmSessions) {
        func giveUp(_ listing: String?, _ why: String) {
            guard let listing else { return }
            try? Data(why.utf8).write(to: URL(fileURLWithPath: PrewarmSession.failureMarker(of: listing)), options: .atomic)
        }
        for (index, session) in config.prewarm.enumerated() where session.suite.adapter == .pytest {
            // A slot keeps two warm sessions (`PytestWarmSessions.keep`): a third would stop the first.
            guard index < 2, let pytest = adapter(for: .pytest) as? PytestAdapter else {
                giveUp(session.listing, "only a suite file's first two pytest suites get warm sessions before the first grant")
                continue
            }
            let suite = inOwnCopy(session.suite)
            let started = pytest.prewarm(suite, key: Self.warmKey(suite: suite, code: "build:" + session.build),
                                         sessions: warm, servers: pytestForkServers, listing: session.listing,
                                         share: session.share)
            if !started { giveUp(session.listing, "the warm pytest session could not start (worker \(config.id)'s log says why)") }
        }
    }

    /// The test files for `key`'s sessions to import: `given` when the lease carried them (kept
    /// for the key's other slots), else what an earlier lease of the key carried.
    private func modules(for key: String, given: [String]) -> [String] {
        testModules.withLock { kept in
            if !given.isEmpty {
                kept.removeAll { $0.key == key }
                kept.append((key, given))
                if kept.count > 4 { kept.removeFirst() }
                return given
            }
            return kept.last { $0.key == key }?.files ?? []
        }
    }

    /// The adapter for `kind`, keeping what it caches in this worker's cache directory.
    private func adapter(for kind: AdapterKind) -> (any TestAdapter)? {
        guard var pytest = AdapterRegistry.adapter(for: kind) as? PytestAdapter else { return AdapterRegistry.adapter(for: kind) }
        pytest.cacheRoot = config.cacheDirectory
        return pytest
    }

    /// What makes a warm pytest process reusable for a grant: the same suite definition over the
    /// same code (the commit; without one, the build, since files may change between builds).
    static func warmKey(_ assign: Assign) -> String {
        warmKey(suite: assign.suite, code: assign.workspace.map { "commit:" + $0.commit } ?? "build:" + assign.build)
    }

    static func warmKey(suite: SuiteDefinition, code: String) -> String {
        let environment = suite.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return ([suite.name, suite.directory, suite.command ?? "", code] + environment).joined(separator: "\u{0}")
    }

    /// Runs one grant; every granted test is reported exactly once, whatever the adapter does.
    /// A pytest grant of first attempts goes to the slot's warm session when it has one; every
    /// later attempt runs in a child of the worker's fork server (a process in which no other
    /// test ran) or, with warm sessions off, in a fresh process, so state leaked by other tests
    /// in a warm process can never turn a failure into a pass.
    func run(_ assign: Assign, warm: PytestWarmSessions? = nil, lookahead: SlotLookahead? = nil) {
        // Shared with a reclaim answered at once, on the thread that asked (`GrantReclaim`).
        let unreported = Locked<[String: Int]>(Dictionary(assign.tests.map { ($0.name, $0.attempt) }, uniquingKeysWith: { _, last in last }))
        // No test takes longer than its grant has so far: a framework's own timing can come from
        // a clock the test faked (freezegun: pytest reported 1.3e9 s, which planning then believed).
        let grantStart = ProcessInfo.processInfo.systemUptime
        let stamp = { [config] (result: AdapterResult, attempt: Int) -> TestResult in
            let elapsed = ProcessInfo.processInfo.systemUptime - grantStart
            let duration = min(result.duration, elapsed)
            return TestResult(test: result.name, attempt: attempt, outcome: result.outcome, duration: duration,
                              worker: config.id, arch: config.arch, compressedOutput: OutputCodec.compress(result.output),
                              outputSize: result.output.count, outputDropped: result.outputDropped, place: result.place,
                              sharedSetup: min(result.sharedSetup, elapsed))
        }
        let key = Self.warmKey(assign)
        if let adapter = adapter(for: assign.suite.adapter) {
            let retrySuite = (adapter as? PytestAdapter).map { inChildrenMirror(assign.suite, key: key, of: $0) } ?? assign.suite
            // Retries can mix attempts in one grant; an adapter runs one attempt number at a time.
            let byAttempt = Dictionary(grouping: assign.tests, by: \.attempt)
            for attempt in byAttempt.keys.sorted() {
                // An `every`-arch suite's tests come as per-arch copies `name@arch`; the adapter
                // runs `name`, and the result goes back under the copy's name.
                let perArch = assign.suite.arch == .every, arch = config.arch
                let granted = byAttempt[attempt]!.map { perArch ? PerArchName.original(of: $0.name) : $0.name }
                // A retry's context runs before it in the same process; its results are not
                // ours (not in `unreported`), so `report` drops them.
                let names = attempt > 1 ? Self.withContexts(granted, byAttempt[attempt]!.map(\.context)) : granted
                let pytest = adapter as? PytestAdapter
                let report = { (result: AdapterResult) in
                    // A failed first attempt: its retries will want this worker's fork server,
                    // which gets ready while the slot runs the rest of the grant.
                    if attempt == 1, result.outcome.isFailure, let pytest, let servers = self.pytestForkServers {
                        pytest.prestartForkServer(for: assign.suite, key: key, servers: servers)
                    }
                    var result = result
                    if perArch { result.name = PerArchName.copy(of: result.name, for: arch) }
                    guard let expected = unreported.withLock({ $0.removeValue(forKey: result.name) }) else { return }
                    self.post(.result(lease: assign.lease, build: assign.build, stamp(result, expected)))
                }
                if attempt == 1, let warm, let pytest {
                    // Tests moved out of collection order run first, each unit's in a fork
                    // server's child of its own (two units together leaked into each other
                    // too); then those behind what the session already ran, together in one
                    // child; then the rest in the warm session.
                    let flagged = { (flag: (GrantedTest) -> Bool) -> Set<String> in
                        self.pytestForkServers == nil
                            ? [] : Set(granted.indices.filter { flag(byAttempt[attempt]![$0]) }.map { granted[$0] })
                    }
                    let alone = flagged(\.alone), fresh = flagged(\.fresh)
                    let modules = modules(for: key, given: assign.modules)
                    let lease = assign.lease, build = assign.build
                    // The coordinator may take back tests that have not started from the child
                    // that runs those behind the session's place, and then from the session.
                    let openReclaim = { [self] () -> GrantReclaim in
                        let reclaim = GrantReclaim { [self] id, tests in
                            let names = perArch ? tests.map { PerArchName.copy(of: $0, for: arch) } : tests
                            unreported.withLock { books in for name in names { books[name] = nil } }
                            post(.handedBack(lease: lease, build: build, reclaim: id, tests: names))
                        }
                        self.reclaimable.withLock { $0[lease] = (reclaim, perArch) }
                        return reclaim
                    }
                    if let servers = pytestForkServers, !alone.isEmpty || !fresh.isEmpty {
                        // The session imports first: its twin, the fork server, is forked then.
                        pytest.prepareWarm(assign.suite, key: key, sessions: warm, servers: servers, modules: modules)
                        for run in Self.unitRuns(of: names.filter(alone.contains)) {
                            pytest.runForked(run, of: assign.suite, attempt: attempt, key: key,
                                             servers: servers, report: report)
                        }
                        // After what a plain run ran just before them, when the grant says
                        // (its results are not the grant's: `report` drops them).
                        let behind = granted.indices.filter { fresh.contains(granted[$0]) }
                        if !behind.isEmpty {
                            let contexts = behind.map { byAttempt[attempt]![$0].context }
                            pytest.runForked(Self.withContexts(behind.map { granted[$0] }, contexts), of: assign.suite,
                                             attempt: attempt, key: key, servers: servers, reclaim: openReclaim(), report: report)
                        }
                    }
                    // The session's tests, its first in a build after what a plain run ran just
                    // before it there (`GrantedTest.context`; unreported, as above).
                    let inSession = granted.indices.filter { !alone.contains(granted[$0]) && !fresh.contains(granted[$0]) }
                    // (A fresh test's context is for a fork server's child; without fork servers,
                    // the session may have run it already.)
                    let names = Self.withContexts(inSession.map { granted[$0] },
                                                  inSession.map { byAttempt[attempt]![$0].fresh ? [] : byAttempt[attempt]![$0].context })
                    let reclaim = openReclaim()
                    let upcoming = { (held: String) -> String? in
                        guard let lookahead else { return nil }
                        return self.upcomingTest(lookahead, holding: perArch ? PerArchName.copy(of: held, for: arch) : held)
                    }
                    pytest.runWarm(names, of: assign.suite, key: key, sessions: warm, servers: pytestForkServers,
                                   reclaim: reclaim, modules: modules, upcoming: upcoming, report: report)
                    reclaimable.withLock { $0[lease] = nil }
                    reclaim.close()
                } else if attempt > 1, let servers = pytestForkServers, let pytest {
                    pytest.runForked(names, of: assign.suite, attempt: attempt, key: key, servers: servers, report: report)
                } else if let goBinaries, let go = adapter as? GoTestAdapter {
                    // Every attempt: each grant is a new process of the binary (see GoTestAdapter+Warm).
                    go.runWarm(names, of: assign.suite, code: assign.workspace?.commit, build: assign.build,
                               binaries: goBinaries, report: report)
                } else if attempt > 1, let pytest {
                    // A fresh process for a retry, in this worker's mirror of the directory as a
                    // fork server's child would be (see `startServingProcess`).
                    coldRetryTurns.take(key) { pytest.run(names, of: retrySuite, attempt: attempt, report: report) }
                } else {
                    adapter.run(names, of: assign.suite, attempt: attempt, report: report)
                }
            }
        }
        let why = AdapterRegistry.adapter(for: assign.suite.adapter) == nil
            ? "this worker has no '\(assign.suite.adapter.rawValue)' adapter"
            : "the \(assign.suite.adapter.rawValue) adapter did not report this test"
        for (name, attempt) in unreported.withLock({ $0 }) {
            let result = AdapterResult(name: name, outcome: .error, duration: 0, output: Array("testfleet: \(why)\n".utf8))
            post(.result(lease: assign.lease, build: assign.build, stamp(result, attempt)))
        }
    }
}
