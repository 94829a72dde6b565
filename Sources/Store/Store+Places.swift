import GRDB
public import Model

/// One attempt's key, to look its place up.
public struct AttemptKey: Sendable, Hashable {
    public var build: String
    public var test: String
    public var attempt: Int
    public init(build: String, test: String, attempt: Int) {
        self.build = build
        self.test = test
        self.attempt = attempt
    }
}

extension Store {
    /// Where each of `attempts` ran (`result_place`), keyed like the input; attempts without a
    /// stored place (ingested, simulated, older workers) are absent. Primary-key lookups only.
    public func places(of attempts: [AttemptKey]) throws(StoreError) -> [AttemptKey: RunPlace] {
        guard !attempts.isEmpty else { return [:] }
        return try read { db in
            var found: [AttemptKey: RunPlace] = [:]
            let statement = try db.cachedStatement(
                sql: "SELECT process, position FROM result_place WHERE build_id = ? AND test = ? AND attempt = ?")
            for key in attempts {
                if let row = try Row.fetchOne(statement, arguments: [key.build, key.test, key.attempt]) {
                    found[key] = RunPlace(process: row[0], position: row[1])
                }
            }
            return found
        }
    }

    /// The tests each of `processes` ran, in run order (by position), through the process index.
    public func processRuns(_ processes: some Collection<Int64>) throws(StoreError) -> [Int64: [(position: Int, test: String)]] {
        try processRuns(before: Dictionary(processes.map { ($0, Int.max) }, uniquingKeysWith: { a, _ in a }))
    }

    /// The tests each process ran before its position limit (`limits`: process → position), in
    /// run order: only the part of a long process anything is asked about is read.
    public func processRuns(before limits: [Int64: Int]) throws(StoreError) -> [Int64: [(position: Int, test: String)]] {
        guard !limits.isEmpty else { return [:] }
        return try read { db in
            var runs: [Int64: [(position: Int, test: String)]] = [:]
            let statement = try db.cachedStatement(
                sql: "SELECT position, test FROM result_place WHERE process = ? AND position < ? ORDER BY position")
            for (process, limit) in limits {
                let rows = try Row.fetchCursor(statement, arguments: [process, Int64(clamping: limit)])
                var list: [(position: Int, test: String)] = []
                while let row = try rows.next() { list.append((row[0], row[1])) }
                runs[process] = list
            }
            return runs
        }
    }

    /// Whether any attempt in the store has a place (a store filled only by `ingest junit` has
    /// none, and then the order-dependence check has nothing to read).
    public func hasPlaces() throws(StoreError) -> Bool {
        try read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM result_place)") ?? false }
    }
}
