import ArgumentParser
import Foundation
import Model
import Store

/// `--db PATH`, shared by every command that reads or writes the store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The SQLite store (default: $TESTFLEET_DB, else .testfleet/fleet.db).")
    var db: String?

    var path: String { db ?? ProcessInfo.processInfo.environment["TESTFLEET_DB"] ?? ".testfleet/fleet.db" }

    /// Opens the store; a store that cannot be opened is an infrastructure failure.
    func open() throws -> Store {
        do { return try Store(path: path) } catch { throw TestfleetError.infrastructure("\(error)") }
    }
}
