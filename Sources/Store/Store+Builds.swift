import GRDB
public import Model
import Foundation

extension Store {
    /// Creates a build row. A build id that already exists is a user error (pick another id,
    /// or `submit` it again to watch it).
    /// `owner` names a `run --local` process driving the build (nil: a coordinator service).
    public func createBuild(_ spec: BuildSpec, testCount: Int, source: String = "run", owner: String? = nil) throws(StoreError) {
        try write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM build WHERE id = ?", arguments: [spec.id]) == true {
                throw StoreError("build '\(spec.id)' already exists in \(path); choose another --build id", isUserError: true)
            }
            try db.execute(
                sql: """
                    INSERT INTO build (id, suite, simulated, commit_sha, branch, base, head, max_attempts,
                                       confirm_attempts, confirm_limit, test_count, source, created_at, owner,
                                       commit_position, priority)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [spec.id, spec.suite, spec.isSimulated, spec.commit, spec.branch, spec.base, spec.head,
                            spec.maxAttempts, spec.confirmAttempts, spec.confirmLimit, testCount, source,
                            Date().timeIntervalSince1970, owner, spec.commitPosition, spec.priority])
        }
    }

    /// Marks a build finished with its verdict, and whether the gate suspected an
    /// infrastructure outage in it (most tests failed every attempt); its trend totals are
    /// written in the same transaction (`build_total`): `total` when the caller folded them as
    /// it wrote the whole build (`IngestReport.WrittenBuild.total`), else read from its results.
    public func finishBuild(_ id: String, verdict: Verdict.Decision, outage: Bool = false, total: BuildTotal? = nil) throws(StoreError) {
        try write { db in
            try db.execute(
                sql: "UPDATE build SET state = 'finished', verdict = ?, outage = ?, finished_at = ? WHERE id = ?",
                arguments: [verdict.rawValue, outage, Date().timeIntervalSince1970, id])
            guard db.changesCount > 0 else { return }
            if let total { try Self.recordBuildTotal(db, build: id, total) } else { try Self.recordBuildTotal(db, build: id) }
        }
    }

    /// Ends a running build without a verdict of its tests: finished, failing, flagged as an
    /// outage (its failures are not the tests'), and `how` it ended with a reason. A build
    /// already finished is left as it is.
    public func endBuild(_ id: String, how: StoredBuild.Ending, reason: String) throws(StoreError) {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE build SET state = 'finished', verdict = 'fail', outage = 1, finished_at = ?, ended = ?,
                                     ended_reason = ? WHERE id = ? AND state = 'running'
                    """,
                arguments: [Date().timeIntervalSince1970, how.rawValue, reason, id])
            if db.changesCount > 0 { try Self.recordBuildTotal(db, build: id) }
        }
    }

    public func build(_ id: String) throws(StoreError) -> StoredBuild? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM build WHERE id = ?", arguments: [id]).map(Self.storedBuild) }
    }

    /// Builds a coordinator must resume after a restart, oldest first: a service's own (no
    /// owner), or with `includeOwned` every running one (the caller sorts out the owned ones).
    public func unfinishedBuilds(includeOwned: Bool = false) throws(StoreError) -> [StoredBuild] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM build WHERE state = 'running' AND source = 'run' AND (? OR owner IS NULL) ORDER BY rowid",
                arguments: [includeOwned]
            ).map(Self.storedBuild)
        }
    }

    /// The newest finished `run` build of `suite` (the suite file a build names), nil when none.
    public func latestFinishedRunBuild(suite: String) throws(StoreError) -> String? {
        try read { db in try Self.finishedRunBuilds(suite: suite, limit: 1, db).first }
    }

    /// The newest `limit` finished `run` builds of `suite`, newest first.
    static func finishedRunBuilds(suite: String, limit: Int, _ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: """
            SELECT id FROM build WHERE suite = ? AND source = 'run' AND state = 'finished' ORDER BY rowid DESC LIMIT ?
            """, arguments: [suite, limit])
    }

    /// The suite's newest finished build of its own (`latestFinishedRunBuild`), its commit, and
    /// the tests whose final outcome failed there (`summary`), in name order; nil when it has none.
    public func previousRun(suite: String) throws(StoreError) -> (build: String, commit: String?, failures: [String])? {
        guard let id = try latestFinishedRunBuild(suite: suite) else { return nil }
        return (id, try build(id)?.spec.commit, try summary(build: id).failures.map(\.test))
    }

    /// The newest build (by creation), nil in an empty store.
    public func latestBuild() throws(StoreError) -> StoredBuild? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM build ORDER BY rowid DESC LIMIT 1").map(Self.storedBuild) }
    }

    /// All builds in the order they were created (oldest first).
    public func allBuilds() throws(StoreError) -> [StoredBuild] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM build ORDER BY rowid").map(Self.storedBuild) }
    }

    static func storedBuild(_ row: Row) -> StoredBuild {
        var spec = BuildSpec(
            id: row["id"], suite: row["suite"], commit: row["commit_sha"], branch: row["branch"],
            base: row["base"], head: row["head"], maxAttempts: row["max_attempts"],
            confirmAttempts: row["confirm_attempts"], confirmLimit: row["confirm_limit"])
        spec.priority = row["priority"]
        spec.commitPosition = row["commit_position"]
        return StoredBuild(
            spec: spec,
            simulated: row["simulated"], testCount: row["test_count"], state: row["state"], verdict: row["verdict"],
            createdAt: row["created_at"], finishedAt: row["finished_at"], source: row["source"],
            ended: (row["ended"] as String?).flatMap(StoredBuild.Ending.init(rawValue:)), endedReason: row["ended_reason"],
            owner: row["owner"])
    }
}
