import Foundation

/// One worker's pytest fork servers ("zygotes"): per suite and commit, one pytest process that
/// imported, configured and collected but never ran a test, and forks a child per grant of
/// retries or confirmation runs (`PytestWarmPlugin` with `TESTFLEET_WARM_FORK=1`). Every grant
/// thus starts from a process in which no test ran, as a fresh pytest process would, without
/// paying pytest's start-up, the project's imports and collection again (seconds each).
///
/// Shared by the worker's slots and its retry lane: one server per key, lent to one thread at a
/// time (a second grant for the key waits for the fork of the first to finish rather than start
/// a second server, whose start-up costs more than the tests a retry grant runs). At most `keep`
/// keys keep an idle server (least recently used stopped first).
public final class PytestForkServers: @unchecked Sendable {
    /// What `borrow` hands out.
    enum Lease {
        /// The key's server, now the caller's until `giveBack` or `discard`.
        case server(PytestWarmProcess)
        /// No server for the key: the caller starts one, then `giveBack`s or `refuse`s it.
        case start
        /// The key's server could not start before: run cold.
        case refused
    }

    let cacheDirectory: String
    let keep: Int
    /// The worker's log: why a server fell back to the cold path.
    let log: @Sendable (String) -> Void
    private let condition = NSCondition()
    private var idle: [(key: String, process: PytestWarmProcess)] = []
    private var lent: Set<String> = []
    private var refused: Set<String> = []
    private var pluginDirectory: String?

    public init(cacheDirectory: String, keep: Int = 2, log: @escaping @Sendable (String) -> Void) {
        self.cacheDirectory = cacheDirectory
        self.keep = max(1, keep)
        self.log = log
    }

    deinit { shutdown() }

    /// The key's server, waiting while another thread has it.
    func borrow(_ key: String) -> Lease {
        condition.lock()
        defer { condition.unlock() }
        while lent.contains(key) { condition.wait() }
        if refused.contains(key) { return .refused }
        lent.insert(key)
        if let index = idle.firstIndex(where: { $0.key == key }) { return .server(idle.remove(at: index).process) }
        return .start
    }

    /// Reserves the key for a warm session's twin when it has no server (idle, lent or
    /// starting) and was not refused one: true when the session starting for it should fork its
    /// twin. Until the caller `settleReservation`s, a retry that borrows the key waits for the
    /// twin rather than starting a pytest of its own: a build's retry lane gets its first grant
    /// in the same milliseconds as the slot's session starts, and two pytest start-ups on one
    /// worker were a sub-second build's failure cost.
    func reserveForTwin(_ key: String) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard lacksServer(key) else { return false }
        lent.insert(key)
        return true
    }

    /// The key has no server and was not refused one. The caller holds `condition`.
    private func lacksServer(_ key: String) -> Bool {
        !lent.contains(key) && !refused.contains(key) && !idle.contains { $0.key == key }
    }

    /// Ends `reserveForTwin`'s reservation: the session's `twin` becomes the key's server, or,
    /// when none came (the session could not start), a borrower may start one.
    func settleReservation(_ key: String, twin: PytestWarmProcess?) {
        if let twin { giveBack(key, twin) } else { discard(key) }
    }

    /// Starts the key's server ahead of its first grant (a first attempt just failed here, so a
    /// retry or confirmation run is coming), without waiting for it: `spawn` only starts the
    /// process, which gets ready while the worker runs other tests.
    func prestart(_ key: String, spawn: () -> PytestWarmProcess?) {
        condition.lock()
        let wanted = lacksServer(key)
        if wanted { lent.insert(key) }
        condition.unlock()
        guard wanted else { return }
        let process = spawn()
        if let process { giveBack(key, process) } else { refuse(key) }
    }

    /// The server is the pool's again (it is alive and between grants).
    func giveBack(_ key: String, _ process: PytestWarmProcess) {
        condition.lock()
        lent.remove(key)
        idle.insert((key, process), at: 0)
        let evicted = idle.count > keep ? Array(idle[keep...]) : []
        idle.removeLast(evicted.count)
        condition.broadcast()
        condition.unlock()
        for entry in evicted { entry.process.stop() }
    }

    /// Takes `key`'s idle server out and stops it when `unusable` says so (a session's twin that
    /// refused to be forked), so that a prestart starts one of its own now rather than when a
    /// retry asks for it.
    func dropIdle(_ key: String, where unusable: (PytestWarmProcess) -> Bool) {
        condition.lock()
        guard !lent.contains(key), let index = idle.firstIndex(where: { $0.key == key }) else {
            condition.unlock()
            return
        }
        let process = idle[index].process
        lent.insert(key)  // nobody borrows it while it is looked at
        condition.unlock()
        let drop = unusable(process)
        condition.lock()
        lent.remove(key)
        if drop { idle.removeAll { $0.process === process } }
        condition.broadcast()
        condition.unlock()
        if drop { process.stop() }
    }

    /// The borrowed server died or hung and was stopped: the key's next grant starts a new one.
    func discard(_ key: String) {
        condition.lock()
        lent.remove(key)
        condition.broadcast()
        condition.unlock()
    }

    /// The key's server could not start: its grants run cold from now on.
    func refuse(_ key: String) {
        condition.lock()
        lent.remove(key)
        refused.insert(key)
        condition.broadcast()
        condition.unlock()
    }

    /// The plugin's directory, written on first use.
    func plugin() throws -> String {
        condition.lock()
        defer { condition.unlock() }
        if let pluginDirectory { return pluginDirectory }
        let directory = try PytestWarmPlugin.install(under: cacheDirectory)
        pluginDirectory = directory
        return directory
    }

    /// Stops every idle server (the worker is closing; lent ones are stopped by their borrower).
    public func shutdown() {
        condition.lock()
        let all = idle
        idle.removeAll()
        condition.unlock()
        for entry in all { entry.process.stop() }
    }
}
