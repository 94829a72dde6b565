import GRDB
public import Model

extension Store {
    /// Records the reruns `testfleet gate --confirm` gave a stored build's failing tests, in one
    /// transaction, as attempts of the build numbered by the caller past the test's stored ones
    /// (so past the build's `max_attempts`): every later gate and analysis sees them as that
    /// commit's evidence. The build's `confirm_attempts` (the coordinator's confirmation runs,
    /// which change the gate's rule) is left as it is. Returns how many attempts were new.
    /// Unknown build: a user error.
    @discardableResult
    public func recordConfirmations(build: String, _ results: [TestResult]) throws(StoreError) -> Int {
        try write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM build WHERE id = ?", arguments: [build]) == true else {
                throw StoreError("no build '\(build)' in \(path)", isUserError: true)
            }
            return try Self.insert([results], build: build, into: db)
        }
    }
}
