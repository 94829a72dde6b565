import Foundation

/// One worker slot's warm pytest processes, keyed by what makes a process reusable: the suite,
/// its directory, command and environment, and the build code (commit) it imported. At most
/// `keep` live at once (least recently used stopped first). Used by one thread at a time (its
/// slot); not for sharing.
public final class PytestWarmSessions: @unchecked Sendable {
    /// Where the plugin is written (the worker's cache directory).
    let cacheDirectory: String
    let keep: Int
    /// The worker's log: why a session fell back to the cold path, restarts.
    let log: @Sendable (String) -> Void
    private var live: [(key: String, process: PytestWarmProcess)] = []
    /// Keys whose process could not start: those grants go cold without trying again.
    private var refused: Set<String> = []
    private var pluginDirectory: String?

    public init(cacheDirectory: String, keep: Int = 2, log: @escaping @Sendable (String) -> Void) {
        self.cacheDirectory = cacheDirectory
        self.keep = max(1, keep)
        self.log = log
    }

    deinit { shutdown() }

    /// Whether a warm session for `key` failed to start before.
    func isRefused(_ key: String) -> Bool { refused.contains(key) }

    func refuse(_ key: String) { refused.insert(key) }

    /// The live process for `key`, moved to the front of the LRU order.
    func process(for key: String) -> PytestWarmProcess? {
        guard let index = live.firstIndex(where: { $0.key == key }) else { return nil }
        let entry = live.remove(at: index)
        live.insert(entry, at: 0)
        return entry.process
    }

    /// How long a session closed while idle may take to tear down what it kept across grants
    /// (its session-scoped fixtures) before it is killed.
    static let teardownAllowance = 5.0

    /// Keeps `process` for `key`, ending the least recently used beyond `keep`.
    func keep(_ process: PytestWarmProcess, for key: String) {
        discard(key)
        live.insert((key, process), at: 0)
        while live.count > keep { finish([live.removeLast()]) }
    }

    /// Ends idle sessions: each tears its session-scoped fixtures down (all at once, within one
    /// allowance), and a teardown that failed is logged, since no test is left to report it.
    private func finish(_ entries: [(key: String, process: PytestWarmProcess)]) {
        for entry in entries { entry.process.closeRequests() }
        let deadline = ProcessRunner.now() + Self.teardownAllowance
        let failures = entries.map { entry in (entry.key, entry.process.finish(until: deadline)) }
        for case (let key, let failure?) in failures {
            log("pytest warm session for \(key.prefix(80)): tearing down its session-scoped fixtures at its end failed "
                + "(a plain run reports this against its last test):\n" + failure.suffix(2000))
        }
    }

    /// Stops and forgets `key`'s process (after a crash or a timeout).
    func discard(_ key: String) {
        live.removeAll { entry in
            guard entry.key == key else { return false }
            entry.process.stop()
            return true
        }
    }

    /// The plugin's directory, written on first use.
    func plugin() throws -> String {
        if let pluginDirectory { return pluginDirectory }
        let directory = try PytestWarmPlugin.install(under: cacheDirectory)
        pluginDirectory = directory
        return directory
    }

    /// Ends every process (the slot is closing), letting each tear down what it kept.
    public func shutdown() {
        finish(live)
        live.removeAll()
    }
}
