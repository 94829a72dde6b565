#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// How a coordinator's `Reclaim` reaches a grant running in a warm pytest session.
///
/// The worker's socket thread hands the request in here. While the grant's process runs, it is
/// written at once to that process's request pipe (a descriptor of its own, `attach`), so the
/// plugin sees it before its next test even while a long test runs. Between processes it waits,
/// and the serving loop sends it to the next one. The answer goes to `answer`, which the worker
/// sends on.
///
/// Every filed request is answered exactly once: with the tests given back, or with none when
/// the grant ended or its process died first. A request the grant cannot take (it has ended,
/// or another is outstanding) is refused at once, and the caller answers it.
public final class GrantReclaim: @unchecked Sendable {
    /// Called with a request's id and the tests given back for it (none: nothing was), always
    /// on the thread that serves the grant (so it may change that thread's books).
    public typealias Answer = (_ reclaim: UInt64, _ handedBack: [String]) -> Void

    private let lock = NSLock()
    private var filed: (id: UInt64, keepThrough: String, alternate: Bool)?
    private var sent: UInt64?
    private var open = true
    /// The running process's request pipe, while one runs the grant.
    private var pipe: Int32 = -1
    private let answer: Answer

    public init(answer: @escaping Answer) { self.answer = answer }

    /// Files a request to give back the tests after `keepThrough` (with `alternate`, every other
    /// one of them: see `Reclaim.alternate`). False when the grant takes
    /// none now: then the caller answers `id` itself.
    public func request(id: UInt64, keepThrough: String, alternate: Bool = false) -> Bool {
        lock.withLock {
            guard open, filed == nil, sent == nil else { return false }
            if pipe >= 0 {
                guard Self.send(keepThrough: keepThrough, alternate: alternate, id: id, to: pipe) else { return false }
                sent = id
            } else {
                filed = (id, keepThrough, alternate)
            }
            return true
        }
    }

    /// Writes the plugin's reclaim request to `fd`.
    private static func send(keepThrough: String, alternate: Bool, id: UInt64, to fd: Int32) -> Bool {
        PytestWarmProcess.writeLine(["drop_after": keepThrough, "alternate": alternate, "reclaim": id], to: fd)
    }

    /// A process now runs the grant and has its grant line: requests go to `fd` (which this
    /// object closes) from now on.
    /// A request that waited for a process is written now.
    func attach(_ fd: Int32?) {
        guard let fd else { return }
        let failed = lock.withLock { () -> UInt64? in
            if pipe >= 0 { Glibc.close(pipe) }
            pipe = fd
            guard let request = filed else { return nil }
            filed = nil
            guard Self.send(keepThrough: request.keepThrough, alternate: request.alternate, id: request.id, to: fd) else { return request.id }
            sent = request.id
            return nil
        }
        if let failed { answer(failed, []) }
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

    /// The process serving the grant is done with it (the grant ended, or the process died):
    /// its pipe is closed, and a request it was sent and did not answer is answered with nothing.
    func processEnded() {
        let id = lock.withLock { () -> UInt64? in
            if pipe >= 0 { Glibc.close(pipe) }
            pipe = -1
            defer { sent = nil }
            return sent
        }
        if let id { answer(id, []) }
    }

    /// The grant no longer runs in a session: whatever is outstanding gets an empty answer, and
    /// later requests are refused.
    public func close() {
        let ids = lock.withLock { () -> [UInt64] in
            if pipe >= 0 { Glibc.close(pipe) }
            pipe = -1
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
