import GRDB
import GRDBSQLite
public import Model

/// A stored timing row's numbers (the `timing` table), without the name: what a fold updates.
public struct TimingState: Sendable, Hashable {
    public var ewma: Double
    public var p90: Double
    /// 0 for a (test, arch) with no history yet.
    public var samples: Int

    public init(ewma: Double = 0, p90: Double = 0, samples: Int = 0) {
        self.ewma = ewma
        self.p90 = p90
        self.samples = samples
    }
}

extension Store {
    /// Every timing row, built into the caller's type by `make(test, arch, ewma, p90, samples)`
    /// (the planner's `TimingRecord`; the store does not know the model). Rows with an arch this
    /// build of testfleet does not know are skipped.
    public func timingRecords<T>(_ make: (String, Arch, Double, Double, Int) -> T) throws(StoreError) -> [T] {
        try read { db in
            guard let connection = db.sqliteConnection else { throw StoreError("the store connection is closed") }
            let statement = try RawStatement(connection, "SELECT test, arch, ewma, p90, samples FROM timing")
            defer { statement.finalize() }
            var records: [T] = []
            while sqlite3_step(statement.handle) == SQLITE_ROW {
                let h = statement.handle
                guard let arch = Arch(rawValue: Self.text(h, 1)) else { continue }
                records.append(make(Self.text(h, 0), arch, sqlite3_column_double(h, 2), sqlite3_column_double(h, 3),
                                    Int(sqlite3_column_int64(h, 4))))
            }
            return records
        }
    }

    /// The constants of the model's update rule (`TimingRecord.observe`), passed in by the caller
    /// so the SQL fold and the Swift rule cannot drift apart in their numbers.
    public struct TimingRule: Sendable {
        public var ewmaWeight: Double
        public var p90StepFloor: Double
        public var shortestDuration: Double

        public init(ewmaWeight: Double, p90StepFloor: Double, shortestDuration: Double) {
            self.ewmaWeight = ewmaWeight
            self.p90StepFloor = p90StepFloor
            self.shortestDuration = shortestDuration
        }
    }

    /// Folds a finished build's durations into the `timing` table in SQL, one INSERT … SELECT …
    /// ON CONFLICT DO UPDATE per attempt number (attempt 1 for every test, then the few retried
    /// ones), in one transaction. The SET clause is `TimingRecord.observe` written in SQL (an
    /// integration test checks the two agree); it needs SQLite's math functions (`exp`, `sqrt`,
    /// built in since 3.35 with the default configure). Why SQL and not a loop: it runs after
    /// every build on the hot path of `testfleet run`, and the set-based statement appends the
    /// build's rows in key order without a row-by-row round trip (100,000 tests: ~90 ms here,
    /// against ~200 ms for the raw loop in `foldTiming(build:observe:)`). Returns rows written.
    @discardableResult
    public func foldTimingSQL(build: String, rule: TimingRule) throws(StoreError) -> Int {
        try write { db in
            let attempts = try Int.fetchOne(db, sql: "SELECT max(attempt) FROM result WHERE build_id = ?", arguments: [build]) ?? 0
            var written = 0
            guard attempts > 0 else { return 0 }
            let statement = try db.makeStatement(sql: """
                INSERT INTO timing (test, arch, ewma, p90, samples)
                SELECT test, arch, max(duration, :shortest), max(duration, :shortest), 1 FROM result
                WHERE build_id = :build AND attempt = :attempt AND outcome <> 'error' AND arch <> ''
                ON CONFLICT (test, arch) DO UPDATE SET
                  samples = samples + 1,
                  ewma = CASE WHEN ewma <= 0 OR p90 <= 0 THEN excluded.ewma
                    ELSE ewma + max(:weight, 1.0 / (samples + 1)) * (excluded.ewma - ewma) END,
                  p90 = CASE WHEN ewma <= 0 OR p90 <= 0 THEN excluded.p90
                    ELSE p90 * exp(CASE WHEN excluded.p90 > p90 THEN 0.9 ELSE -0.1 END
                                   * max(:floor, 1.0 / sqrt(samples + 1))) END
                """)
            for attempt in 1...attempts {
                try statement.execute(arguments: ["shortest": rule.shortestDuration, "build": build, "attempt": attempt,
                                                  "weight": rule.ewmaWeight, "floor": rule.p90StepFloor])
                written += db.changesCount
            }
            return written
        }
    }

    /// Folds a finished build's durations into the `timing` table in one transaction and returns
    /// how many (test, arch) rows it wrote. `observe(&state, seconds)` is the model's update rule
    /// (`TimingRecord.observe`), applied to each attempt in attempt order; `error` attempts are
    /// left out (a crash or timeout says nothing about how long the test takes).
    ///
    /// A raw loop, since this runs after every build on the hot path of `testfleet run`: one
    /// scan of the build's results in primary-key order joined to the stored row, one upsert per
    /// (test, arch). The join reads the row as it was before this fold, so all attempts of a test
    /// (grouped together by the key order) are folded in memory and written once.
    @discardableResult
    public func foldTiming(build: String, observe: (inout TimingState, Double) -> Void) throws(StoreError) -> Int {
        try write { db in
            guard let connection = db.sqliteConnection else { throw StoreError("the store connection is closed") }
            let scan = try RawStatement(connection, """
                SELECT r.test, r.arch, r.duration, t.ewma, t.p90, t.samples
                FROM result r LEFT JOIN timing t ON t.test = r.test AND t.arch = r.arch
                WHERE r.build_id = ? AND r.outcome <> 'error' AND r.arch <> ''
                ORDER BY r.build_id, r.test, r.attempt
                """)
            defer { scan.finalize() }
            let upsert = try RawStatement(connection, """
                INSERT INTO timing (test, arch, ewma, p90, samples) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (test, arch) DO UPDATE SET ewma = excluded.ewma, p90 = excluded.p90, samples = excluded.samples
                """)
            defer { upsert.finalize() }
            scan.bindText(1, build)
            var written = 0
            var current: [UInt8] = []
            // The current test's state per arch (a test's attempts may run on different arches).
            var pending: [(arch: [UInt8], state: TimingState)] = []
            func flush() throws {
                for (arch, state) in pending where state.samples > 0 {
                    // Bound in place (SQLITE_STATIC): the bytes live until the step inside.
                    try current.withUnsafeBufferPointer { name in
                        try arch.withUnsafeBufferPointer { archBytes in
                            upsert.reset()
                            upsert.bindText(1, name)
                            upsert.bindText(2, archBytes)
                            upsert.bindDouble(3, state.ewma)
                            upsert.bindDouble(4, state.p90)
                            upsert.bindInt(5, state.samples)
                            try upsert.step()
                        }
                    }
                    written += 1
                }
                pending.removeAll(keepingCapacity: true)
            }
            let h = scan.handle
            while sqlite3_step(h) == SQLITE_ROW {
                let name = Self.bytes(h, 0)
                if !ByteComparison.equal(current, name) {
                    try flush()
                    current.removeAll(keepingCapacity: true)
                    current.append(contentsOf: name)
                }
                let arch = Self.bytes(h, 1)
                var slot = pending.firstIndex { $0.arch.elementsEqual(arch) }
                if slot == nil {
                    let stored = sqlite3_column_type(h, 5) == SQLITE_NULL
                        ? TimingState()
                        : TimingState(ewma: sqlite3_column_double(h, 3), p90: sqlite3_column_double(h, 4),
                                      samples: Int(sqlite3_column_int64(h, 5)))
                    pending.append((Array(arch), stored))
                    slot = pending.count - 1
                }
                observe(&pending[slot!].state, sqlite3_column_double(h, 2))
            }
            try flush()
            return written
        }
    }

    /// A text column's bytes, valid until the next step.
    static func bytes(_ statement: OpaquePointer, _ column: Int32) -> UnsafeBufferPointer<UInt8> {
        let length = Int(sqlite3_column_bytes(statement, column))
        return UnsafeBufferPointer(start: sqlite3_column_text(statement, column), count: length)
    }

    static func text(_ statement: OpaquePointer, _ column: Int32) -> String {
        String(decoding: bytes(statement, column), as: UTF8.self)
    }
}
