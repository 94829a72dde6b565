import GRDB
import GRDBSQLite
public import Model

/// One build's results folded per test: what a gate needs without loading every row.
public struct BuildSummary: Sendable, Hashable {
    /// A test whose attempts matter to the gate (it failed at least once).
    public struct Notable: Sendable, Hashable {
        public var test: String
        public var attempts: Int
        public var final: Outcome
    }

    /// Tests with at least one result.
    public var tests = 0
    /// How many tests ended with each outcome (their final outcome: `Store.finalOutcomePerTest`).
    public var finalOutcomes: [Outcome: Int] = [:]
    /// Tests whose final outcome is a failure, in name order.
    public var failures: [Notable] = []
    /// Tests that failed and then passed on a later attempt, in name order.
    public var passedOnRetry: [Notable] = []
    /// The build's trend totals (`build_total`), folded in the same pass (`Store.summary`, or
    /// an ingest as it writes), so finishing a build need not scan it again.
    public var total: BuildTotal?
}

extension Store {
    /// Folds a build's results per test in one pass over the primary key (no sort, no row
    /// objects): 100,000 results take a few tens of milliseconds. The pass also folds the
    /// build's trend totals (`BuildSummary.total`), by `Store.buildTotalSelect`'s rule.
    public func summary(build: String) throws(StoreError) -> BuildSummary {
        try read { db in
            guard let connection = db.sqliteConnection else { throw StoreError("the store connection is closed") }
            let statement = try RawStatement(
                connection,
                "SELECT test, outcome, duration FROM result WHERE build_id = ? ORDER BY build_id, test, attempt")
            defer { statement.finalize() }
            statement.bindText(1, build)
            var folder = BuildSummary.Folder()
            var totals = BuildTotal.Folder()
            var tests = 0
            while sqlite3_step(statement.handle) == SQLITE_ROW {
                let length = Int(sqlite3_column_bytes(statement.handle, 0))
                let name = UnsafeBufferPointer(start: sqlite3_column_text(statement.handle, 0), count: length)
                let outcomeLength = Int(sqlite3_column_bytes(statement.handle, 1))
                let outcomeText = String(decoding: UnsafeBufferPointer(start: sqlite3_column_text(statement.handle, 1), count: outcomeLength), as: UTF8.self)
                let outcome = Outcome(rawValue: outcomeText) ?? .error
                if folder.add(name: name, outcome: outcome) {
                    if tests > 0 { totals.endTest() }
                    tests += 1
                }
                totals.add(outcome: outcome, duration: sqlite3_column_double(statement.handle, 2))
            }
            var summary = folder.finish()
            summary.total = totals.finish()
            return summary
        }
    }
}

extension BuildSummary {
    /// Folds one build's attempts, given in (test, attempt) order, into a summary: what
    /// `Store.summary(build:)` reads back and what an ingest of a new build writes, by one rule.
    struct Folder {
        private var summary = BuildSummary()
        private var current: [UInt8] = []
        private var test = FinalOutcomeFold()

        /// The next attempt; `name` differs from the previous call's when a new test starts.
        /// Returns whether it did.
        @discardableResult
        mutating func add(name: UnsafeBufferPointer<UInt8>, outcome: Outcome) -> Bool {
            let starts = !ByteComparison.equal(current, name)
            if starts {
                close()
                current.removeAll(keepingCapacity: true)
                current.append(contentsOf: name)
                test = FinalOutcomeFold()
            }
            test.add(outcome)
            return starts
        }

        mutating func finish() -> BuildSummary {
            close()
            test = FinalOutcomeFold()
            return summary
        }

        private mutating func close() {
            guard test.attempts > 0 else { return }
            let final = test.outcome
            summary.tests += 1
            summary.finalOutcomes[final, default: 0] += 1
            guard test.anyFailed else { return }
            let notable = BuildSummary.Notable(test: String(decoding: current, as: UTF8.self), attempts: test.attempts, final: final)
            if final.isFailure { summary.failures.append(notable) } else { summary.passedOnRetry.append(notable) }
        }
    }
}
