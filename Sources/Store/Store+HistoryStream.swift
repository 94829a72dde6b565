import GRDB
import GRDBSQLite

/// A stored history read pass by pass inside one read transaction, without ever holding all of
/// its attempts: for an analysis whose working set must not grow with its window (a
/// coordinator's background refresh of 500 builds reads 500,000 results).
///
/// Every pass sees the same snapshot, and names are interned once for all passes: a test or
/// worker keeps the id the first pass gave it (the ids `loadHistory` would give, since the
/// first whole pass reads the same rows in the same order).
public struct HistoryStream {
    /// The window's builds in creation (rowid) order.
    public var builds: [StoredHistory.Build] { loader.history.builds }
    /// Test names seen so far, indexed by `StoredHistory.Attempt.test`.
    public var testNames: [String] { loader.history.testNames }
    /// Worker names seen so far, indexed by `StoredHistory.Attempt.worker`.
    public var workerNames: [String] { loader.history.workerNames }

    private var loader: HistoryLoader
    private let connection: OpaquePointer
    /// The window is read through per-build key ranges (an IN list) rather than the whole table.
    private let byBuildRanges: Bool

    init(builds: [StoredHistory.Build], connection: OpaquePointer) {
        loader = HistoryLoader(builds: builds)
        self.connection = connection
        // The IN list is SQLite's bound-parameter limit's concern only past tens of thousands.
        byBuildRanges = builds.count <= 30_000
    }

    /// Hands every attempt of the window to `visit` in key order (build id, then test name, then
    /// attempt), or only those of tests named in [`testsFrom`, `testsBelow`) (byte order; nil: no
    /// bound). Keeps nothing but the interned names.
    public mutating func forEachAttempt(testsFrom: String? = nil, testsBelow: String? = nil,
                                        _ visit: (StoredHistory.Attempt) throws -> Void) throws {
        try loader.scan(connection: connection, only: nil, onlyLoadedBuilds: byBuildRanges,
                        testsFrom: testsFrom, testsBelow: testsBelow, visit: visit)
    }
}

extension Store {
    /// Runs `body` with the newest `lastBuilds` builds (all when nil) as a `HistoryStream`, in one
    /// read transaction: every pass `body` makes reads the same snapshot, even while a
    /// coordinator keeps writing results.
    public func streamHistory<T>(lastBuilds: Int? = nil, _ body: (inout HistoryStream) throws -> T) throws(StoreError) -> T {
        try read { db in
            guard let connection = db.sqliteConnection else { throw StoreError("the store connection is closed") }
            // The build list is read in the same transaction as the results it windows.
            var builds = try StoredHistory.Build.fetchAllInOrder(db)
            if let lastBuilds, builds.count > lastBuilds { builds = Array(builds.suffix(max(lastBuilds, 0))) }
            var stream = HistoryStream(builds: builds, connection: connection)
            return try body(&stream)
        }
    }
}
