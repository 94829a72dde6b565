import Foundation
import Model

extension PytestAdapter {
    /// What this process learnt of suites' (by directory and command) cold runs, so that a
    /// later grant does not pay a refused start again.
    private static let memory = NarrowingMemory()

    private final class NarrowingMemory: @unchecked Sendable {
        let lock = NSLock()
        /// Suites whose pytest could not import the plugin: their cold runs append the ids alone.
        var suites: Set<String> = []
        /// Suites whose cold runs name the ids' files (`PytestOnlyPlugin.withinFilesVariable`).
        var withinFiles: Set<String> = []
    }

    static func narrowingKey(_ suite: SuiteDefinition) -> String { suite.directory + "\u{0}" + (suite.command ?? "") }

    /// The plugin's directory for `suite`'s cold runs, nil when it cannot be written or pytest
    /// could not import it before.
    static func narrowingPlugin(for suite: SuiteDefinition, cacheRoot: String) -> String? {
        let refused = memory.lock.withLock { memory.suites.contains(narrowingKey(suite)) }
        return refused ? nil : try? PytestOnlyPlugin.install(under: cacheRoot)
    }

    static func refuseNarrowing(for suite: SuiteDefinition) {
        _ = memory.lock.withLock { memory.suites.insert(narrowingKey(suite)) }
    }

    /// Whether `suite`'s cold runs give pytest the ids' files: once pytest refused ids it makes
    /// late in collection, every later batch would be refused first too.
    static func runsWithinFiles(_ suite: SuiteDefinition) -> Bool {
        memory.lock.withLock { memory.withinFiles.contains(narrowingKey(suite)) }
    }

    static func runWithinFiles(_ suite: SuiteDefinition) {
        _ = memory.lock.withLock { memory.withinFiles.insert(narrowingKey(suite)) }
    }
}
