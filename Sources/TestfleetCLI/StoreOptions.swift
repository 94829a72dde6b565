import ArgumentParser
import Foundation
import Model
import Store
import Transport

/// `--db PATH`, shared by every command that reads or writes the store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The SQLite store (default: $TESTFLEET_DB, else .testfleet/fleet.db).")
    var db: String?

    var path: String { db ?? ProcessInfo.processInfo.environment["TESTFLEET_DB"] ?? ".testfleet/fleet.db" }

    /// Opens the store; a store that cannot be opened is an infrastructure failure. The store is
    /// checkpointed when the command exits (`OpenStores`).
    func open() throws -> Store {
        do { return OpenStores.register(try Store(path: path)) } catch { throw TestfleetError.infrastructure("\(error)") }
    }
}

/// The stores this process opened. A command ends with `exit()`, which closes no database, so
/// the last results would stay in the `-wal` file beside the `.db`; a CI step that keeps only
/// the `.db` as an artifact would lose the build. Before exiting, every store is checkpointed.
enum OpenStores {
    private static let stores = Locked<[Store]>([])

    static func register(_ store: Store) -> Store {
        stores.withLock { $0.append(store) }
        return store
    }

    /// Checkpoints (TRUNCATE) every store this process wrote to; a failure is reported, never
    /// fatal. A store only read is left alone: its log holds nothing of this process, and an
    /// emptied log makes the next command's open write to it again (GRDB keeps a WAL non-empty),
    /// so each read-only command would pay a write and two syncs (the gate's start-up, issue 13).
    static func checkpointAll() {
        for store in stores.withLock({ $0 }) where store.hasWritten {
            do {
                if try !store.checkpoint() {
                    FileHandle.standardError.write(Data("testfleet: note: another process is reading \(store.path); its -wal file still holds part of it\n".utf8))
                }
            } catch {
                FileHandle.standardError.write(Data("testfleet: warning: \(error)\n".utf8))
            }
        }
    }
}
