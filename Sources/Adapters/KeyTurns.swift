import Foundation

/// One holder at a time per key: a second caller for a key waits until the first is done;
/// other keys do not wait. A worker's go test binaries compile once per path through it
/// (`GoTestBinaries`), and its cold retries of one suite take turns through it, because they
/// share the worker's mirror of the suite's directory (`PytestAdapter.childrenMirror`), where
/// two processes at once would find each other's staged files (the slots and the retry lane can
/// hold retry grants at once; a fork server gives the warm path the same rule).
public final class KeyTurns: @unchecked Sendable {
    private let condition = NSCondition()
    private var held: Set<String> = []

    public init() {}

    /// Runs `body` while holding `key`.
    public func take<T>(_ key: String, _ body: () throws -> T) rethrows -> T {
        condition.lock()
        while held.contains(key) { condition.wait() }
        held.insert(key)
        condition.unlock()
        defer {
            condition.lock()
            held.remove(key)
            condition.broadcast()
            condition.unlock()
        }
        return try body()
    }
}
