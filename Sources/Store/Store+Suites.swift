import GRDB
public import Model

/// One suite of a stored build: its name and adapter, and its tests when the build has several.
public struct StoredSuite: Sendable, Hashable {
    public var name: String
    public var adapter: AdapterKind?
    /// Nil when the build has this one suite only (every test of the build is its).
    public var tests: [String]?
}

extension Store {
    /// Records the suites of a planned build (after `createBuild`).
    public func recordSuites(of planned: PlannedBuild) throws(StoreError) {
        guard !planned.suites.isEmpty else { return }
        var names: [[String]] = Array(repeating: [], count: planned.suites.count)
        if planned.suites.count > 1 {
            for test in planned.tests where names.indices.contains(test.suite) { names[test.suite].append(test.name) }
        }
        try write { db in
            for (position, suite) in planned.suites.enumerated() {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO build_suite (build_id, position, name, adapter, tests) VALUES (?, ?, ?, ?, ?)",
                    arguments: [planned.spec.id, position, suite.name, suite.adapter.rawValue,
                                planned.suites.count > 1 ? names[position].joined(separator: "\n") : nil])
            }
        }
    }

    /// The suites of a build, in plan order (empty for an ingested build or one stored before
    /// suites were recorded).
    public func suites(build: String) throws(StoreError) -> [StoredSuite] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT name, adapter, tests FROM build_suite WHERE build_id = ? ORDER BY position",
                             arguments: [build]).map { row in
                let tests: String? = row["tests"]
                return StoredSuite(name: row["name"], adapter: AdapterKind(rawValue: row["adapter"]),
                                   tests: tests.map { $0.split(separator: "\n").map(String.init) })
            }
        }
    }
}
