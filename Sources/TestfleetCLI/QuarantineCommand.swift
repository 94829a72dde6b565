import ArgumentParser
import Foundation
import Model
import Store

/// `testfleet quarantine add|release|list`: people's quarantine decisions. A quarantined test
/// still runs and is reported; its failures stop blocking the gate.
struct QuarantineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine",
        abstract: "Quarantine a test by hand (its failures stop blocking), release it, or list quarantined tests.",
        subcommands: [Add.self, Release.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Quarantine a test: it still runs, its failures do not block.")

        @Argument(help: "The test name (classname::name, or a pytest node id).")
        var test: String

        @Option(help: "Why (shown in reports and `quarantine list`).")
        var reason: String

        @OptionGroup var store: StoreOptions

        func validate() throws {
            if test.isEmpty { throw ValidationError("the test name is empty") }
            if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason must say why") }
        }

        func run() throws {
            let store = try self.store.open()
            try store.quarantine(test: test, reason: reason)
            print("quarantined \(test): \(reason)")
        }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Release a test from manual quarantine.")

        @Argument(help: "The test name.")
        var test: String

        @OptionGroup var store: StoreOptions

        func run() throws {
            let store = try self.store.open()
            guard try store.release(test: test) else { throw TestfleetError.badInput("'\(test)' is not in manual quarantine") }
            print("released \(test)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List manually quarantined tests.")

        @Flag(help: "Print a JSON array of {test, reason, since}.")
        var json = false

        @OptionGroup var store: StoreOptions

        func run() throws {
            let store = try self.store.open()
            let entries = try store.quarantined()
            if json {
                let rows = entries.map { entry -> [String: Any] in ["test": entry.test, "reason": entry.reason, "since": entry.since] }
                print(String(decoding: try JSONSerialization.data(withJSONObject: rows, options: [.sortedKeys]), as: UTF8.self))
                return
            }
            if entries.isEmpty { print("no tests in manual quarantine") }
            let formatter = ISO8601DateFormatter()
            for entry in entries {
                print("\(entry.test)\t\(formatter.string(from: Date(timeIntervalSince1970: entry.since)))\t\(entry.reason)")
            }
        }
    }
}
