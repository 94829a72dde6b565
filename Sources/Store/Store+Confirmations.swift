import GRDB
public import Model

extension Store {
    /// Records confirmation runs that `testfleet gate --confirm` gave a stored build's failing
    /// tests, in one transaction: the attempts (numbered by the caller past the test's stored
    /// ones, so past the build's `max_attempts`), and the build's confirmation settings, so every
    /// later gate of the build weighs those tests as confirmed (`StoredGate`). Returns how many
    /// attempts were new. Unknown build: a user error.
    @discardableResult
    public func recordConfirmations(build: String, _ results: [TestResult], runs: Int, limit: Int) throws(StoreError) -> Int {
        try write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM build WHERE id = ?", arguments: [build]) == true else {
                throw StoreError("no build '\(build)' in \(path)", isUserError: true)
            }
            let inserted = try Self.insert([results], build: build, into: db)
            try db.execute(
                sql: "UPDATE build SET confirm_attempts = max(confirm_attempts, ?), confirm_limit = max(confirm_limit, ?) WHERE id = ?",
                arguments: [min(max(runs, 0), 20), max(limit, 0), build])
            return inserted
        }
    }
}
