import GRDB
public import Model
import Foundation

extension Store {
    /// Creates a build row. A build id that already exists is a user error (pick another id,
    /// or `submit` it again to watch it).
    public func createBuild(_ spec: BuildSpec, testCount: Int, source: String = "run") throws(StoreError) {
        try write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM build WHERE id = ?", arguments: [spec.id]) == true {
                throw StoreError("build '\(spec.id)' already exists in \(path); choose another --build id", isUserError: true)
            }
            try db.execute(
                sql: """
                    INSERT INTO build (id, suite, simulated, commit_sha, branch, base, head, max_attempts,
                                       confirm_attempts, confirm_limit, test_count, source, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [spec.id, spec.suite, spec.isSimulated, spec.commit, spec.branch, spec.base, spec.head,
                            spec.maxAttempts, spec.confirmAttempts, spec.confirmLimit, testCount, source,
                            Date().timeIntervalSince1970])
        }
    }

    /// Marks a build finished with its verdict, and whether the gate suspected an
    /// infrastructure outage in it (most tests failed every attempt).
    public func finishBuild(_ id: String, verdict: Verdict.Decision, outage: Bool = false) throws(StoreError) {
        try write { db in
            try db.execute(
                sql: "UPDATE build SET state = 'finished', verdict = ?, outage = ?, finished_at = ? WHERE id = ?",
                arguments: [verdict.rawValue, outage, Date().timeIntervalSince1970, id])
        }
    }

    public func build(_ id: String) throws(StoreError) -> StoredBuild? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM build WHERE id = ?", arguments: [id]).map(Self.storedBuild) }
    }

    /// Builds a coordinator must resume after a restart, oldest first.
    public func unfinishedBuilds() throws(StoreError) -> [StoredBuild] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM build WHERE state = 'running' AND source = 'run' ORDER BY rowid")
                .map(Self.storedBuild)
        }
    }

    /// All builds in the order they were created (oldest first).
    public func allBuilds() throws(StoreError) -> [StoredBuild] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM build ORDER BY rowid").map(Self.storedBuild) }
    }

    static func storedBuild(_ row: Row) -> StoredBuild {
        StoredBuild(
            spec: BuildSpec(
                id: row["id"], suite: row["suite"], commit: row["commit_sha"], branch: row["branch"],
                base: row["base"], head: row["head"], maxAttempts: row["max_attempts"],
                confirmAttempts: row["confirm_attempts"], confirmLimit: row["confirm_limit"]),
            simulated: row["simulated"], testCount: row["test_count"], state: row["state"], verdict: row["verdict"],
            createdAt: row["created_at"], finishedAt: row["finished_at"], source: row["source"])
    }
}
