import GRDB
import GRDBSQLite
public import Model

/// Every stored attempt (or those of some tests) with strings interned to integer ids, in the
/// compact shape an analysis loads: builds in creation order, one `Attempt` per result row.
public struct StoredHistory: Sendable {
    /// A build row, in creation (rowid) order.
    public struct Build: Sendable, Hashable {
        /// SQLite rowid: creation order, also what quarantine decisions are stamped with.
        public var seq: Int64
        public var id: String
        public var commit: String?
        public var branch: String?
        public var base: String?
        public var verdict: Verdict.Decision?
        public var simulated: Bool
        /// The gate suspected an infrastructure outage when it judged this build.
        public var outage = false
        /// The commit's place on its target branch's first-parent line, where git was at hand
        /// (`BuildSpec.commitPosition`); nil: order by the target branch's own builds.
        public var commitPosition: Int64?

        public init(seq: Int64, id: String, commit: String?, branch: String?, base: String?, verdict: Verdict.Decision?,
                    simulated: Bool, outage: Bool = false) {
            self.seq = seq
            self.id = id
            self.commit = commit
            self.branch = branch
            self.base = base
            self.verdict = verdict
            self.simulated = simulated
            self.outage = outage
        }
    }

    /// One result row with its strings replaced by indices into the tables above.
    public struct Attempt: Sendable, Hashable {
        /// Index into `testNames`.
        public var test: Int32
        /// Index into `builds`.
        public var build: Int32
        /// Index into `workerNames`.
        public var worker: Int32
        public var duration: Float
        public var attempt: UInt8
        public var outcome: Outcome
        public var arch: Arch
    }

    public var builds: [Build] = []
    public var testNames: [String] = []
    public var workerNames: [String] = []
    /// Ordered by build id, then test name, then attempt (the result table's key order).
    public var attempts: [Attempt] = []

    public init(builds: [Build] = [], testNames: [String] = [], workerNames: [String] = [], attempts: [Attempt] = []) {
        self.builds = builds
        self.testNames = testNames
        self.workerNames = workerNames
        self.attempts = attempts
    }
}

extension StoredHistory.Build {
    /// The build table in creation order.
    static func fetchAllInOrder(_ db: Database) throws -> [StoredHistory.Build] {
        try Row.fetchAll(
            db, sql: "SELECT rowid, id, commit_sha, branch, base, verdict, simulated, outage, commit_position FROM build ORDER BY rowid"
        ).map { row in
            var build = StoredHistory.Build(seq: row[0], id: row[1], commit: row[2], branch: row[3], base: row[4],
                                            verdict: (row[5] as String?).flatMap(Verdict.Decision.init(rawValue:)),
                                            simulated: row[6], outage: row[7])
            build.commitPosition = row[8]
            return build
        }
    }
}

extension Store {
    /// The build table in creation order (no results): enough for latest-green.
    public func buildHistory() throws(StoreError) -> [StoredHistory.Build] {
        try read { db in try StoredHistory.Build.fetchAllInOrder(db) }
    }

    /// Loads every stored attempt, or only those of `tests`, interned.
    ///
    /// The whole table is read in key order with one raw statement: a build's rows arrive sorted
    /// by test name, and most builds run the same tests, so a name is matched against the
    /// previous build's sequence by comparing bytes and only a name not found there is hashed.
    /// A few tests out of many are read by point lookups on the (build, test) key instead, while
    /// tests × builds stays within `lookupLimit`. `lastBuilds` keeps only the newest builds (in
    /// creation order): the scan then reads just their key ranges, so a window over a huge store
    /// costs what the window holds.
    public func loadHistory(tests: [String]? = nil, lookupLimit: Int = 200_000, lastBuilds: Int? = nil)
        throws(StoreError) -> StoredHistory
    {
        var builds = try buildHistory()
        let windowed = lastBuilds.map { builds.count > $0 } ?? false
        if windowed, let lastBuilds { builds = Array(builds.suffix(max(lastBuilds, 0))) }
        return try read { db in
            guard let connection = db.sqliteConnection else { throw StoreError("the store connection is closed") }
            var loader = HistoryLoader(builds: builds)
            if let tests, tests.count * max(builds.count, 1) <= lookupLimit {
                try loader.lookUp(tests: tests, connection: connection)
            } else {
                // Past SQLite's bound-parameter limit the scan reads everything and the loader
                // skips rows of builds outside the window.
                var attempts: [StoredHistory.Attempt] = []
                attempts.reserveCapacity(1 << 16)
                try loader.scan(connection: connection, only: tests.map(Set.init), onlyLoadedBuilds: windowed && builds.count <= 30_000) {
                    attempts.append($0)
                }
                loader.history.attempts = attempts
                if tests != nil { loader.compactTests() }
            }
            return loader.history
        }
    }
}

/// The interning state of one history load.
struct HistoryLoader {
    var history = StoredHistory()
    var buildIndex: [String: Int32] = [:]
    var testIDs: [String: Int32] = [:]
    var testBytes: [[UInt8]] = []
    var workerBytes: [[UInt8]] = []
    var workerIDs: [String: Int32] = [:]
    var lastWorker: Int32 = -1

    init(builds: [StoredHistory.Build]) {
        history.builds = builds
        for (index, build) in builds.enumerated() { buildIndex[build.id] = Int32(index) }
    }

    mutating func internTest(_ name: UnsafeBufferPointer<UInt8>) -> Int32 {
        let text = String(decoding: name, as: UTF8.self)
        if let id = testIDs[text] { return id }
        let id = Int32(history.testNames.count)
        history.testNames.append(text)
        testBytes.append(Array(name))
        testIDs[text] = id
        return id
    }

    mutating func internWorker(_ name: UnsafeBufferPointer<UInt8>) -> Int32 {
        // Consecutive rows mostly come from the same worker (a lease's tests): try it first.
        if lastWorker >= 0, ByteComparison.equal(workerBytes[Int(lastWorker)], name) { return lastWorker }
        lastWorker = findWorker(name)
        return lastWorker
    }

    private mutating func findWorker(_ name: UnsafeBufferPointer<UInt8>) -> Int32 {
        // Fleets are small: a byte comparison against each known worker beats hashing a new String.
        if workerBytes.count <= 64 {
            for (id, bytes) in workerBytes.enumerated() where ByteComparison.equal(bytes, name) { return Int32(id) }
        }
        let text = String(decoding: name, as: UTF8.self)
        if let id = workerIDs[text] { return id }
        let id = Int32(history.workerNames.count)
        history.workerNames.append(text)
        workerBytes.append(Array(name))
        workerIDs[text] = id
        return id
    }

    /// The whole result table in key order (build id, test, attempt), or with `onlyLoadedBuilds`
    /// the key ranges of the loader's builds (an IN list on the key's first column: SQLite walks
    /// the ranges in key order, no sort), each attempt handed to `visit` (none kept here).
    /// `testsFrom`/`testsBelow` narrow it to test names in [from, below) (byte order, SQLite's
    /// BINARY collation): with the IN list, a range of the key's second column in each build.
    mutating func scan(connection: OpaquePointer, only wanted: Set<String>?, onlyLoadedBuilds: Bool = false,
                       testsFrom: String? = nil, testsBelow: String? = nil,
                       visit: (StoredHistory.Attempt) throws -> Void) throws {
        let ids = history.builds.map(\.id)
        var conditions: [String] = []
        if onlyLoadedBuilds { conditions.append("build_id IN (\(ids.map { _ in "?" }.joined(separator: ",")))") }
        if testsFrom != nil { conditions.append("test >= ?") }
        if testsBelow != nil { conditions.append("test < ?") }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let statement = try RawStatement(
            connection,
            "SELECT build_id, test, attempt, outcome, duration, worker, arch FROM result \(filter) ORDER BY build_id, test, attempt")
        defer { statement.finalize() }
        var parameter: Int32 = 1
        if onlyLoadedBuilds {
            for id in ids {
                statement.bindText(parameter, id)
                parameter += 1
            }
        }
        if let testsFrom {
            statement.bindText(parameter, testsFrom)
            parameter += 1
        }
        if let testsBelow { statement.bindText(parameter, testsBelow) }
        let handle = statement.handle
        var currentBuild: [UInt8] = []
        var build: Int32 = -1
        var previousOrder: [Int32] = [], order: [Int32] = []
        var cursor = 0
        var lastTest: Int32 = -1
        var keep: [Bool] = []
        while sqlite3_step(handle) == SQLITE_ROW {
            let buildName = Self.column(handle, 0)
            if !ByteComparison.equal(currentBuild, buildName) {
                currentBuild = Array(buildName)
                build = buildIndex[String(decoding: buildName, as: UTF8.self)] ?? -1
                if !order.isEmpty { previousOrder = order }
                order.removeAll(keepingCapacity: true)
                cursor = 0
                lastTest = -1
            }
            guard build >= 0 else { continue }  // a result without its build row (cannot happen with the FK)
            let name = Self.column(handle, 1)
            var test: Int32
            if lastTest >= 0, ByteComparison.equal(testBytes[Int(lastTest)], name) {
                test = lastTest  // a retry of the same test
            } else {
                // Walk the previous build's sorted names up to this one (memcmp order = SQLite's BINARY).
                test = -1
                while cursor < previousOrder.count {
                    let candidate = testBytes[Int(previousOrder[cursor])]
                    if ByteComparison.equal(candidate, name) {
                        test = previousOrder[cursor]
                        cursor += 1
                        break
                    }
                    if ByteComparison.precedes(candidate, name) { cursor += 1 } else { break }
                }
                if test < 0 { test = internTest(name) }
                order.append(test)
                lastTest = test
                // Names interned by an earlier pass (`HistoryStream`) may come in any id order.
                while Int(test) >= keep.count {
                    keep.append(wanted.map { $0.contains(history.testNames[keep.count]) } ?? true)
                }
            }
            guard keep[Int(test)] else { continue }
            try visit(attempt(handle, test: test, build: build, firstColumn: 2))
        }
    }

    /// Point lookups on the result key for each (build, test).
    mutating func lookUp(tests: [String], connection: OpaquePointer) throws {
        let statement = try RawStatement(
            connection, "SELECT attempt, outcome, duration, worker, arch FROM result WHERE build_id = ? AND test = ? ORDER BY attempt")
        defer { statement.finalize() }
        let ids = tests.map { name -> Int32 in
            var copy = name
            return copy.withUTF8 { internTest($0) }
        }
        for (buildPosition, build) in history.builds.enumerated() {
            for (position, name) in tests.enumerated() {
                statement.reset()
                statement.bindText(1, build.id)
                statement.bindText(2, name)
                while sqlite3_step(statement.handle) == SQLITE_ROW {
                    history.attempts.append(attempt(statement.handle, test: ids[position], build: Int32(buildPosition), firstColumn: 0))
                }
            }
        }
    }

    /// Drops interned names that no kept attempt uses (a filtered scan interns every name it sees).
    mutating func compactTests() {
        var used = [Int32](repeating: -1, count: history.testNames.count)
        var names: [String] = []
        for index in history.attempts.indices {
            let old = Int(history.attempts[index].test)
            if used[old] < 0 {
                used[old] = Int32(names.count)
                names.append(history.testNames[old])
            }
            history.attempts[index].test = used[old]
        }
        history.testNames = names
    }

    /// Reads attempt, outcome, duration, worker, arch from consecutive columns.
    mutating func attempt(_ handle: OpaquePointer, test: Int32, build: Int32, firstColumn c: Int32) -> StoredHistory.Attempt {
        let attemptNumber = sqlite3_column_int64(handle, c)
        let outcome = Self.outcome(Self.column(handle, c + 1))
        let duration = sqlite3_column_double(handle, c + 2)
        let worker = internWorker(Self.column(handle, c + 3))
        let archText = Self.column(handle, c + 4)
        let arch: Arch = archText.first == UInt8(ascii: "a") ? .aarch64 : .x86_64
        return StoredHistory.Attempt(test: test, build: build, worker: worker, duration: Float(duration),
                                     attempt: UInt8(clamping: attemptNumber), outcome: outcome, arch: arch)
    }

    static func column(_ handle: OpaquePointer, _ index: Int32) -> UnsafeBufferPointer<UInt8> {
        let length = Int(sqlite3_column_bytes(handle, index))
        guard let text = sqlite3_column_text(handle, index) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: text, count: length)
    }

    /// The stored outcome text (a CHECK constraint keeps it to six words), by its distinctive bytes.
    static func outcome(_ text: UnsafeBufferPointer<UInt8>) -> Outcome {
        guard let first = text.first else { return .error }
        switch first {
        case UInt8(ascii: "p"): return .passed
        case UInt8(ascii: "f"): return .failed
        case UInt8(ascii: "s"): return .skipped
        case UInt8(ascii: "x"): return text.count > 1 && text[1] == UInt8(ascii: "p") ? .xpassed : .xfailed
        default: return .error
        }
    }
}
