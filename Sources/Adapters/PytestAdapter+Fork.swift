import Foundation
public import Model

/// Retries and confirmation runs through a worker's fork server (`PytestForkServers`): the
/// server imported the project and collects what a grant names, but never runs a test; each
/// grant runs in a child forked from it. The child is a process in which no other test ran (as
/// the cold path's fresh pytest process), so state a test leaked elsewhere cannot fake a pass,
/// while a retry costs a fork instead of pytest's start-up and the module's collection again.
///
/// - A test that kills its child (a segfault, `os._exit`) is `.error` with its output; the server
///   forks a new child for the rest of the grant.
/// - A test past its `timeout_s` is killed with the server and the child; the rest of the grant
///   runs under a new server.
/// - A server that cannot start, and ids it cannot collect, go to the cold path.
extension PytestAdapter {
    /// Runs `tests` in a child of `servers`' server for `key`. With `reclaim`, the coordinator
    /// may take back those that have not started, as from a warm session (see `GrantReclaim`).
    public func runForked(_ tests: [String], of suite: SuiteDefinition, attempt: Int, key: String,
                          servers: PytestForkServers, reclaim: GrantReclaim? = nil, report: (AdapterResult) -> Void) {
        let processes = ServingProcesses(
            acquire: { forkServer(for: key, suite, servers) },
            release: { servers.giveBack(key, $0) },
            discard: { _ in servers.discard(key) },
            log: servers.log)
        serve(tests, of: suite, attempt: attempt, from: processes, reclaim: reclaim, report: report)
    }

    /// The environment variable naming the mirror of the suite's directory a pytest process
    /// works in once pytest has started in the directory itself (see `PytestWarmPlugin`,
    /// `PytestOnlyPlugin`): its rootdir, test files and node ids stay the directory's.
    public static let workDirectoryVariable = "TESTFLEET_WORK_DIR"

    /// The mirror where this worker's retries of `key` work (its fork servers' children, and
    /// fresh processes when warm sessions are off): a mirror of the directory the worker's own
    /// processes of `suite` work in (`workDirectoryVariable`, else the suite's), made when first
    /// asked for (see `DirectoryMirrors`); nil when it cannot be made, which `log` says once.
    public func childrenMirror(of suite: SuiteDefinition, key: String, log: (String) -> Void) -> String? {
        DirectoryMirrors.shared.directory(
            for: "children", mirroring: suite.environment[Self.workDirectoryVariable] ?? suite.directory, generation: key,
            cacheRoot: cacheRoot, log: log)
    }

    /// Starts `key`'s fork server without waiting for it (a first attempt just failed on this
    /// worker: its retries or confirmation runs will want it). Does nothing when it exists.
    public func prestartForkServer(for suite: SuiteDefinition, key: String, servers: PytestForkServers) {
        // A session's twin that refused to be forked (it said so when the session's first
        // grant came) gives way to a server of the worker's own, started now.
        servers.dropIdle(key) { process in
            guard !process.isOwnChild, case .said(let why) = readiness(of: process, until: ProcessRunner.now() + 0.001) else {
                return false
            }
            servers.log("suite '\(suite.name)': \(why); starting one")
            return true
        }
        servers.prestart(key) {
            do {
                return try startServingProcess(suite, key: key, plugin: try servers.plugin(), log: servers.log, forking: true)
            } catch {
                servers.log("pytest fork server for suite '\(suite.name)' could not start, running its retries cold: \(error)")
                return nil
            }
        }
    }

    /// `key`'s server, borrowed (and started, and waited for until ready, if needed); nil when
    /// it cannot start, which the log says and which sends this key's retries cold.
    private func forkServer(for key: String, _ suite: SuiteDefinition, _ servers: PytestForkServers) -> PytestWarmProcess? {
        // A session's twin that did not get ready is discarded and a server started instead.
        for _ in 0..<2 {
            let process: PytestWarmProcess
            switch servers.borrow(key) {
            case .refused:
                return nil
            case .server(let lent):
                process = lent
                lent.wake()
            case .start:
                do {
                    process = try startServingProcess(suite, key: key, plugin: try servers.plugin(), log: servers.log, forking: true)
                } catch {
                    servers.refuse(key)
                    servers.log("pytest fork server for suite '\(suite.name)' could not start, running its retries cold: \(error)")
                    return nil
                }
            }
            guard let why = awaitReady(process, suite) else { return process }
            if !process.isOwnChild {
                servers.discard(key)
                servers.log("a warm session's twin fork server for suite '\(suite.name)' did not get ready, starting one: \(why)")
                continue
            }
            servers.refuse(key)
            servers.log("pytest fork server for suite '\(suite.name)' could not start, running its retries cold: \(why)")
            return nil
        }
        return nil
    }
}
