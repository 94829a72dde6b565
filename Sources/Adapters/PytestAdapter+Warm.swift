import Foundation
public import Model

/// Warm sessions: a first attempt's tests run in a pytest process the slot keeps per suite and
/// commit, which imported the project once and collects only what each grant names (modules
/// already imported are not imported again), or, asked for a listing before a first build's
/// plan, the whole suite once up front. See `PytestWarmPlugin` for the process's side.
///
/// - Each test keeps its own `timeout_s`: past it the process group is killed, the test is
///   `.error` with its output, and the rest of the grant runs in a new process.
/// - A test that kills the process (a segfault, `os._exit`) is `.error` with its output (the
///   fault handler's traceback), and the rest of the grant runs in a new process.
/// - A module that cannot be collected (its import fails) is answered by the session from its
///   collection report, an error as the cold path reports it, without a process of its own.
/// - Node ids the session does not find (an id pytest refuses, a test renamed since the
///   inventory) and every grant whose session cannot start (an old pytest, a broken conftest)
///   run on the cold path, which reports them as before; the worker log says why.
/// - Retries never come here: the worker runs attempts past the first in a fork server's child
///   (`PytestAdapter+Fork.swift`), a process in which no other test ever ran, so state a test
///   leaked into the warm process cannot make a failed test pass.
extension PytestAdapter {
    /// New processes one grant may start after crashes and timeouts before the rest goes cold.
    static let warmRestartLimit = 10

    /// Where a served grant's process comes from: a slot's warm session or a worker's fork server.
    struct ServingProcesses {
        /// The process to send the grant to; nil sends the rest of the grant cold.
        let acquire: () -> PytestWarmProcess?
        /// The process is alive and between grants.
        let release: (PytestWarmProcess) -> Void
        /// The process died or hung; it is stopped already.
        let discard: (PytestWarmProcess) -> Void
        let log: (String) -> Void
        /// The first test the process will run after this grant, asked once the grant's last
        /// test (named) ran; nil when not known (see `runWarm`).
        var upcoming: (String) -> String? = { _ in nil }
    }

    /// Runs `tests` (a first attempt) in `sessions`' process for `key`, falling back to `run`.
    /// A session started here forks the worker's fork server for `key` (its twin) when
    /// `servers` has none yet, so retries find one ready without a pytest start-up of their own.
    /// With `reclaim`, the coordinator may take back the grant's tests that have not started
    /// (see `GrantReclaim`); the grant's cold remainder, if any, runs after `reclaim` is closed.
    /// `modules`: the test files of the build's tests (`Assign.modules`), which the session
    /// imports before its first test, as a plain run does. `upcoming`, asked once the grant's
    /// last test (named) ran, names the first test the session runs after this grant when the
    /// caller knows it (its next grant): the last test then keeps its module's and class's
    /// fixtures set up as far as that test shares them, as a plain run keeps them; without one
    /// they end with the grant. The last test's result is reported after the answer.
    public func runWarm(_ tests: [String], of suite: SuiteDefinition, key: String, sessions: PytestWarmSessions,
                        servers: PytestForkServers? = nil, reclaim: GrantReclaim? = nil, modules: [String] = [],
                        upcoming: @escaping (String) -> String? = { _ in nil }, report: (AdapterResult) -> Void) {
        let processes = ServingProcesses(
            acquire: { warmProcess(for: key, suite, sessions, servers) }, release: { _ in }, discard: { _ in sessions.discard(key) },
            log: sessions.log, upcoming: upcoming)
        serve(tests, of: suite, attempt: 1, from: processes, reclaim: reclaim, modules: modules, report: report)
    }

    /// Has `key`'s warm session (started if need be) import the build's test `modules` now,
    /// before its first grant: its twin fork server is forked then (see `PytestWarmPlugin`), so
    /// first attempts sent to the fork server ahead of the session's grant (long tests, alone)
    /// find it ready, with the modules imported, instead of waiting for a grant that comes after
    /// them. Without a session (it cannot start) this does nothing: those tests then start a server.
    public func prepareWarm(_ suite: SuiteDefinition, key: String, sessions: PytestWarmSessions,
                            servers: PytestForkServers?, modules: [String]) {
        guard let process = warmProcess(for: key, suite, sessions, servers) else { return }
        if !process.sendImport(modules) { sessions.discard(key) }
    }

    /// Starts `key`'s warm session (and its twin fork server, when `servers` has none for the
    /// key) and waits until it is ready, before any grant: a grant for the key then finds it
    /// imported and configured. With a `listing` path the session first collects the whole suite
    /// (its `share` of the files, when given) and writes its node ids there (see `PytestWarmPlugin`). A session that cannot start is
    /// logged, the key's grants go cold, and the result is false.
    @discardableResult
    public func prewarm(_ suite: SuiteDefinition, key: String, sessions: PytestWarmSessions, servers: PytestForkServers?,
                        listing: String? = nil, share: PytestListingShare? = nil) -> Bool {
        warmProcess(for: key, suite, sessions, servers, listing: listing, share: share) != nil
    }

    /// Runs `tests` through processes that take grants over a pipe, each test watched for its own
    /// timeout and for the process dying under it; what they cannot run goes to the cold path.
    func serve(_ tests: [String], of suite: SuiteDefinition, attempt: Int, from processes: ServingProcesses,
               reclaim: GrantReclaim? = nil, modules: [String] = [], report: (AdapterResult) -> Void) {
        var seen = Set<String>()
        let order = tests.filter { seen.insert($0).inserted }
        var remaining = seen
        var cold: [String] = []
        var restarts = 0
        grants: while !remaining.isEmpty {
            let pending = order.filter { remaining.contains($0) }
            guard let process = processes.acquire() else {
                cold += pending
                break
            }
            guard process.send(pending, modules: modules) else {
                process.stop()
                processes.discard(process)
                cold += pending
                break
            }
            reclaim?.track(pending)
            reclaim?.attach(process.duplicateRequestDescriptor())
            var running: (id: String, started: Double, deadline: Double)?
            var idleDeadline = ProcessRunner.now() + startupAllowance + suite.timeout
            var died: String?
            var timedOut = false
            /// `id` starts now: its own timeout runs, and the output from here on is its.
            func starts(_ id: String?) {
                let now = ProcessRunner.now()
                if id != nil { process.markOutput() }
                running = id.map { ($0, now, now + suite.timeout) }
                reclaim?.running(id)
            }
            /// The tests of `ids` still this grant's: not given back to another worker at once.
            func ours(_ ids: [String]) -> [String] {
                let kept = reclaim?.keep(ids) ?? ids
                if kept.count < ids.count { remaining.subtract(Set(ids).subtracting(kept)) }
                return kept
            }
            events: while true {
                let event = process.next(until: running?.deadline ?? idleDeadline)
                if case .message(let message) = event {
                    if let id = message["start"] as? String {
                        starts(id)
                    } else if let id = message["result"] as? String {
                        idleDeadline = ProcessRunner.now() + startupAllowance + suite.timeout
                        // The result line also says which test starts now (one line per test).
                        starts(message["next"] as? String)
                        let place = process.nextPlace()  // every test run there counts, even one not ours
                        // A result comes from before the running test, which no reclaim takes:
                        // only whether it was given back at once matters (its result is then not ours).
                        if reclaim?.isGivenBack(id) == true { remaining.remove(id) }
                        guard remaining.remove(id) != nil else { continue }
                        var result = Self.warmResult(id, message, cap: suite.outputCap)
                        result.place = place
                        report(result)
                    } else if let missing = message["missing"] as? [String] {
                        let ours = ours(missing).filter { remaining.remove($0) != nil }
                        cold += ours
                        processes.log("pytest warm session: \(ours.count) node id(s) not collected there ("
                                      + ours.prefix(3).joined(separator: ", ") + (ours.count > 3 ? ", …" : "")
                                      + "), running them cold: " + String(describing: message["why"] ?? "").suffix(300))
                    } else if let standIns = message["stand_ins"] as? [String: String] {
                        // Parametrisation ids made from a changing value (the time): see PytestWarmPlugin+StandIns.
                        let pairs = standIns.sorted { $0.key < $1.key }.prefix(3).map { "\($0.key) as \($0.value)" }
                        processes.log("pytest warm session: \(standIns.count) node id(s) no longer collected (their parameters "
                                      + "change between collections) ran as the item now in their place: " + pairs.joined(separator: ", "))
                    } else if let held = message["holding"] as? String {
                        // The grant's last test ran; its module stays set up as far as the next shares it.
                        // A write that fails means the process is gone, which the next event says.
                        _ = process.sendTowards(processes.upcoming(held))
                    } else if let dropped = message["dropped"] as? [String] {
                        // Given back to the coordinator: another worker runs them.
                        let ours = dropped.filter { remaining.remove($0) != nil }
                        reclaim?.answered(id: (message["reclaim"] as? NSNumber)?.uint64Value ?? 0, handedBack: ours)
                    } else if message["done"] != nil {
                        reclaim?.processEnded()
                        processes.release(process)
                        // Neither run nor missing: cannot happen with this plugin, but never lose a test.
                        cold += ours(order.filter { remaining.contains($0) })
                        remaining.removeAll()
                        continue grants
                    } else if let why = message["died"] as? String {
                        // A fork server's child died; the server itself lives on.
                        process.readWrittenOutput()
                        died = why
                        break events
                    }
                    continue
                }
                if case .timedOut = event { timedOut = true }
                break events
            }
            reclaim?.processEnded()
            if died != nil {
                processes.release(process)
            } else {
                process.stop()
                processes.discard(process)
            }
            let ending = died ?? process.ending ?? "?"
            remaining.subtract(reclaim?.givenBack ?? [])
            if let running, remaining.remove(running.id) != nil {
                var result = warmFailure(running.id, process, timedOut: timedOut, ending: ending,
                                         seconds: ProcessRunner.now() - running.started, suite: suite)
                result.place = process.nextPlace()
                report(result)
            } else if died == nil {
                // Died or hung outside any test (collecting): the cold path reports it properly.
                processes.log("pytest warm session \(timedOut ? "hung" : "died (\(ending))") while collecting; "
                              + "running the grant's \(remaining.count) remaining test(s) cold")
                cold += order.filter { remaining.contains($0) }
                remaining.removeAll()
            }
            restarts += 1
            if restarts > Self.warmRestartLimit && !remaining.isEmpty {
                processes.log("pytest warm session restarted \(restarts) times in one grant; running the rest cold")
                cold += order.filter { remaining.contains($0) }
                remaining.removeAll()
            }
        }
        reclaim?.close()
        if !cold.isEmpty { run(cold, of: suite, attempt: attempt, report: report) }
    }

    /// The live process for `key`, started (and waited for until the plugin is ready) if needed;
    /// nil when it cannot start, which the log says and which sends this key's grants cold.
    private func warmProcess(for key: String, _ suite: SuiteDefinition, _ sessions: PytestWarmSessions,
                             _ servers: PytestForkServers?, listing: String? = nil,
                             share: PytestListingShare? = nil) -> PytestWarmProcess? {
        if let process = sessions.process(for: key) { return process }
        if sessions.isRefused(key) { return nil }
        let why: String
        let reserved = servers?.reserveForTwin(key) ?? false
        let started = Result {
            try startServingProcess(suite, key: key, plugin: try sessions.plugin(), log: sessions.log, forking: false,
                                    withTwin: reserved, listing: listing, share: share)
        }
        if reserved { servers?.settleReservation(key, twin: try? started.get().takeTwin()) }
        do {
            let process = try started.get()
            if let problem = awaitReady(process, suite) {
                why = problem
            } else {
                sessions.keep(process, for: key)
                return process
            }
        } catch {
            why = "\(error)"
        }
        sessions.refuse(key)
        sessions.log("pytest warm session for suite '\(suite.name)' could not start, running its grants cold: \(why)")
        return nil
    }

    /// Starts a pytest process with the plugin loaded (a warm session, or a fork server when
    /// `forking`; a session `withTwin` forks a fork server too; one with a `listing` path writes
    /// the suite's node ids there, of its `share` of the files when given), without waiting for it
    /// to be ready. A fork server's children (and a twin's) work in `childrenMirror(of:key:log:)`,
    /// and a fork server itself does too.
    func startServingProcess(_ suite: SuiteDefinition, key: String, plugin: String, log: (String) -> Void, forking: Bool, withTwin: Bool = false,
                             listing: String? = nil, share: PytestListingShare? = nil) throws -> PytestWarmProcess
    {
        var environment = environment(suite)
        if forking { environment["TESTFLEET_WARM_FORK"] = "1" }
        if forking || withTwin, let mirror = childrenMirror(of: suite, key: key, log: log) {
            environment["TESTFLEET_WARM_CHILD_DIR"] = mirror
            // A fork server imports in the mirror its children work in: what a module keeps of
            // its working directory is then theirs (a twin's children keep the session's).
            if forking { environment[Self.workDirectoryVariable] = mirror }
        }
        if let listing, !forking {
            environment["TESTFLEET_WARM_LIST"] = listing
            if let share, share.count > 1 { environment["TESTFLEET_WARM_SHARD"] = share.text }
        }
        environment["TESTFLEET_WARM_RANGES"] = PytestWarmPlugin.statementRangeDirectory(under: cacheRoot)
        if let cache = PythonBytecode.rewriteCache(suite: suite.environment, inherited: inheritedEnvironment, cacheRoot: cacheRoot) {
            environment["TESTFLEET_WARM_REWRITE_CACHE"] = cache
        }
        let cache = Self.scratchDirectory("cache")
        Self.cacheEnvironment(cache, into: &environment)
        let line = command(suite, ["-p", PytestWarmPlugin.moduleName, "--maxfail=2147483647"], loading: plugin, into: &environment)
        return try PytestWarmProcess(commandLine: line, directory: suite.directory, environment: environment,
                                     outputCap: max(suite.outputCap, 64 << 10), forksPerGrant: forking,
                                     withTwin: withTwin && !forking, scratch: cache)
    }

    /// What a starting process said by `deadline`.
    enum Readiness {
        case ready
        /// Nothing yet.
        case pending
        /// A line other than its ready line: why it will not serve (a twin's session refused
        /// to fork it: `_refuse_twin`).
        case said(String)
        /// It ended before it was ready: why, with its output's tail.
        case exited(String)
    }

    /// Reads what `process` says until it is ready or `deadline` (`ProcessRunner.now()` seconds).
    func readiness(of process: PytestWarmProcess, until deadline: Double) -> Readiness {
        if process.isReady { return .ready }
        switch process.next(until: deadline) {
        case .message(let message) where message["ready"] != nil:
            process.readyLine(message)
            return .ready
        case .message(let message):
            return .said(message["refused"] as? String ?? "it said \(message) instead of ready")
        case .exited:
            return .exited("it exited (\(process.ending ?? "?")) before it was ready; its output ends:\n"
                + Self.tail(String(decoding: process.output.bytes, as: UTF8.self), 2000))
        case .timedOut:
            return .pending
        }
    }

    /// Waits until `process` says it is ready; nil then, else why not (the process is stopped).
    func awaitReady(_ process: PytestWarmProcess, _ suite: SuiteDefinition) -> String? {
        let why: String
        switch readiness(of: process, until: ProcessRunner.now() + startupAllowance + suite.timeout) {
        case .ready: return nil
        case .said(let said): why = said
        case .exited(let exited): why = exited
        case .pending: why = "it was not ready within \(ShellAdapter.seconds(startupAllowance + suite.timeout)) s"
        }
        process.stop()
        return why
    }

    static func warmResult(_ id: String, _ message: [String: Any], cap: Int) -> AdapterResult {
        let outcome = (message["outcome"] as? String).flatMap(Outcome.init(rawValue:)) ?? .error
        let text = Array((message["output"] as? String ?? "").utf8)
        let kept = text.count > cap ? Array(text.suffix(cap)) : text
        var result = AdapterResult(name: id, outcome: outcome, duration: (message["duration"] as? Double) ?? 0,
                                   output: kept, outputDropped: text.count - kept.count)
        result.sharedSetup = max(0, (message["session_setup"] as? Double) ?? 0)
        return result
    }

    /// The test that was running when the process died or ran out of time.
    private func warmFailure(_ id: String, _ process: PytestWarmProcess, timedOut: Bool, ending: String, seconds: Double,
                             suite: SuiteDefinition) -> AdapterResult {
        let why = timedOut
            ? "[testfleet] test timed out after \(ShellAdapter.seconds(suite.timeout))s (its timeout_s); killed with its warm pytest process\n"
            : "[testfleet] the pytest process died while this test ran (\(ending)); its output:\n"
        let header = Array(why.utf8)
        let output = process.output
        let room = max(0, suite.outputCap - header.count)
        let kept = Array(output.bytes.suffix(room))
        return AdapterResult(name: id, outcome: .error, duration: seconds,
                             output: header + kept, outputDropped: output.dropped + output.bytes.count - kept.count)
    }
}
