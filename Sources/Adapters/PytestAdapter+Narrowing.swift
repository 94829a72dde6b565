import Foundation
import Model

extension PytestAdapter {
    /// Suites (by directory and command) whose pytest could not import the plugin: their cold
    /// runs append the ids alone from then on, without a failed start per grant.
    private static let refusedNarrowing = RefusedNarrowing()

    private final class RefusedNarrowing: @unchecked Sendable {
        let lock = NSLock()
        var suites: Set<String> = []
    }

    static func narrowingKey(_ suite: SuiteDefinition) -> String { suite.directory + "\u{0}" + (suite.command ?? "") }

    /// The plugin's directory for `suite`'s cold runs, nil when it cannot be written or pytest
    /// could not import it before.
    static func narrowingPlugin(for suite: SuiteDefinition, cacheRoot: String) -> String? {
        let refused = refusedNarrowing.lock.withLock { refusedNarrowing.suites.contains(narrowingKey(suite)) }
        return refused ? nil : try? PytestOnlyPlugin.install(under: cacheRoot)
    }

    static func refuseNarrowing(for suite: SuiteDefinition) {
        _ = refusedNarrowing.lock.withLock { refusedNarrowing.suites.insert(narrowingKey(suite)) }
    }
}
