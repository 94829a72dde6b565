public import Foundation
public import Store

/// The newest full flaky analysis of one store, shared by everything in a process that shows or
/// announces tests' states (the dashboard's `/api/flaky` and `/flaky`, the webhook), and made by
/// one caller at a time.
///
/// In a coordinator the background analysis refresher is attached as its producer: it analyses
/// after finished builds (and when asked, say after a quarantine decision) and publishes here;
/// readers take the newest published analysis and never analyse themselves, so an API polled 20
/// times a second costs no analysis at all, and the coordinator never runs two of the same. Only
/// when nothing was published yet does a reader make the first one. Without a producer (a
/// dashboard over a store nobody writes, tests), a read finds the store changed since the
/// newest analysis (`StoreChangeStamp`) and makes a new one. Either way analyses run one at a
/// time: callers that arrive while one runs wait for it instead of starting another.
public final class SharedAnalysis: @unchecked Sendable {
    /// One published analysis and the store's change stamp taken just before it read the store.
    public struct Entry: Sendable {
        public let stamp: StoreChangeStamp
        public let history: AttemptHistory
        public let analysis: FlakyAnalysis
        public let madeAt: Date
    }

    public let store: Store
    /// Guards every `var` below; `making` waiters sleep on it.
    private let condition = NSCondition()
    private var newest: Entry?
    private var making = false
    private var producer = false
    private var subscribers: [@Sendable (Entry) -> Void] = []
    private var made = 0

    /// - Parameter store: the store analysed (a producer that saves the snapshot writes to it).
    public init(store: Store) { self.store = store }

    /// Marks that a producer publishes analyses as the store changes, so readers stop
    /// re-analysing a changed store themselves.
    public func attachProducer() { condition.withLock { producer = true } }

    public var hasProducer: Bool { condition.withLock { producer } }

    /// The newest published analysis, without waiting or analysing (nil: none yet).
    public var latest: Entry? { condition.withLock { newest } }

    /// Analyses made since this object was created (for tests and logs: readers must not make any
    /// while a producer is attached).
    public var analysesMade: Int { condition.withLock { made } }

    /// Calls `body` (on the thread that made the analysis) after each publication.
    public func onPublish(_ body: @escaping @Sendable (Entry) -> Void) { condition.withLock { subscribers.append(body) } }

    /// The analysis to show now: the newest published one, unless none exists yet or (without a
    /// producer) the store changed since it was made; then one is made, or the one being made is
    /// waited for.
    public func current() throws(StoreError) -> Entry {
        while true {
            let stamp: StoreChangeStamp? = hasProducer ? nil : try store.changeStamp()
            // The newest published one as it is, without waiting for one being made: a reader
            // never waits for an analysis unless there is none it may show.
            let decision: Entry? = condition.withLock {
                guard let newest else { return nil }
                return stamp == nil || newest.stamp == stamp ? newest : nil
            }
            if let decision { return decision }
            if let made = try makeUnlessMaking(lastBuilds: nil, saveSnapshot: false) { return made }
        }
    }

    /// Makes an analysis now of the newest `lastBuilds` builds (nil: all) and publishes it; when
    /// another is being made, waits for it and makes a new one after (what it read may be older
    /// than the caller's reason to refresh). `saveSnapshot`: also store the suite-wide figures
    /// the gate uses (the coordinator's refresher; readers never write).
    @discardableResult
    public func refresh(lastBuilds: Int?, saveSnapshot: Bool) throws(StoreError) -> Entry {
        while true {
            if let made = try makeUnlessMaking(lastBuilds: lastBuilds, saveSnapshot: saveSnapshot) { return made }
        }
    }

    /// Makes and publishes one analysis, or returns nil after waiting for one that was already
    /// being made.
    private func makeUnlessMaking(lastBuilds: Int?, saveSnapshot: Bool) throws(StoreError) -> Entry? {
        let mine: Bool = condition.withLock {
            if making {
                while making { condition.wait() }
                return false
            }
            making = true
            return true
        }
        guard mine else { return nil }
        let entry: Entry
        do {
            let stamp = try store.changeStamp()
            let (history, analysis) = try FlakyAnalyzer.analyze(store: store, lastBuilds: lastBuilds, saveSnapshot: saveSnapshot)
            entry = Entry(stamp: stamp, history: history, analysis: analysis, madeAt: Date())
        } catch {
            condition.withLock {
                making = false
                condition.broadcast()
            }
            throw error
        }
        let notify = condition.withLock { () -> [@Sendable (Entry) -> Void] in
            newest = entry
            making = false
            made += 1
            condition.broadcast()
            return subscribers
        }
        for subscriber in notify { subscriber(entry) }
        return entry
    }
}
