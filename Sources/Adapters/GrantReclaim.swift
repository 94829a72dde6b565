import Foundation

/// How a coordinator's `Reclaim` reaches a grant running in a warm pytest session.
///
/// The worker's socket thread files the request here. The slot thread serving the grant passes
/// it to the plugin at its next message from the plugin (a test's start or end), and the plugin
/// answers before its next test. The answer goes to `answer`, which the worker sends on.
///
/// Every filed request is answered exactly once: with the tests given back, or with none when
/// the grant ended or its process died first. A request the grant cannot take (it has ended,
/// or another is outstanding) is refused at once, and the caller answers it.
public final class GrantReclaim: @unchecked Sendable {
    /// Called with a request's id and the tests given back for it (none: nothing was), always
    /// on the thread that serves the grant (so it may change that thread's books).
    public typealias Answer = (_ reclaim: UInt64, _ handedBack: [String]) -> Void

    private let lock = NSLock()
    private var filed: (id: UInt64, keepThrough: String)?
    private var sent: UInt64?
    private var open = true
    private let answer: Answer

    public init(answer: @escaping Answer) { self.answer = answer }

    /// Files a request to give back the tests after `keepThrough`. False when the grant takes
    /// none now: then the caller answers `id` itself.
    public func request(id: UInt64, keepThrough: String) -> Bool {
        lock.withLock {
            guard open, filed == nil, sent == nil else { return false }
            filed = (id, keepThrough)
            return true
        }
    }

    /// The filed request, for the serving loop to send to its process now.
    func take() -> (id: UInt64, keepThrough: String)? {
        lock.withLock {
            guard let request = filed else { return nil }
            filed = nil
            sent = request.id
            return request
        }
    }

    /// The process answered request `id` with `handedBack`.
    func answered(id: UInt64, handedBack: [String]) {
        let matches = lock.withLock {
            guard sent == id else { return false }
            sent = nil
            return true
        }
        if matches { answer(id, handedBack) }
    }

    /// The process that was sent a request is gone (or its grant ended) without answering it.
    func unanswered() {
        let id = lock.withLock { () -> UInt64? in
            defer { sent = nil }
            return sent
        }
        if let id { answer(id, []) }
    }

    /// The grant no longer runs in a session: whatever is outstanding gets an empty answer, and
    /// later requests are refused.
    public func close() {
        let ids = lock.withLock { () -> [UInt64] in
            defer {
                open = false
                filed = nil
                sent = nil
            }
            return [filed?.id, sent].compactMap { $0 }
        }
        for id in ids { answer(id, []) }
    }
}
