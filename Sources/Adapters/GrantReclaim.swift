#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Model

/// How a coordinator's `Reclaim` reaches a grant running in a warm pytest session.
///
/// The worker's socket thread hands the request in here. While the grant's process runs, it is
/// written at once to that process's request pipe (a descriptor of its own, `attach`), so the
/// plugin sees it before its next test even while a long test runs. Between processes it waits,
/// and the serving loop sends it to the next one. The answer goes to `answer`, which the worker
/// sends on.
///
/// While a test of the grant runs (the serving loop says which: `running`), a request is
/// answered at once, here, with the tests it would take past that test and the one set up after
/// it, and the process is told which ones it no longer runs (`{"drop": [ids]}`); it cuts them
/// when the running test ends. Why: a session answers only between tests, and a first build's
/// idle worker waited for the other's running test to end before it got any work: transitions
/// 0.9.2's reclaims sat 1.2 s and 1.0 s behind 2 s and 1 s threading tests, in a 15 s build.
/// A test given back that the process started anyway (it had run ahead of what the serving
/// loop had read) runs twice; its result here is dropped (`keep`).
///
/// Every filed request is answered exactly once: with the tests given back, or with none when
/// the grant ended or its process died first. A request the grant cannot take (it has ended,
/// or another is outstanding) is refused at once, and the caller answers it.
public final class GrantReclaim: @unchecked Sendable {
    /// Called with a request's id and the tests given back for it (none: nothing was): on the
    /// thread that serves the grant, or, for a request answered at once, on the requesting one.
    public typealias Answer = (_ reclaim: UInt64, _ handedBack: [String]) -> Void

    private let lock = NSLock()
    private var filed: (id: UInt64, keepThrough: String, alternate: Bool)?
    private var sent: UInt64?
    private var open = true
    /// The running process's request pipe, while one runs the grant.
    private var pipe: Int32 = -1
    private let answer: Answer
    /// The tests the running process was sent, in its order, and where each stands in it.
    private var order: [String] = []
    private var positions: [String: Int] = [:]
    /// Where the process's running test stands in `order`, while one runs.
    private var runningAt: Int?
    /// Tests given back at once (never run here again), and tests this grant keeps for good
    /// (reported, or sent to the cold path).
    private var handedBack: Set<String> = []
    private var kept: Set<String> = []

    public init(answer: @escaping Answer) { self.answer = answer }

    /// Files a request to give back the tests after `keepThrough` (with `alternate`, every other
    /// one of them: see `Reclaim.alternate`). False when the grant takes
    /// none now: then the caller answers `id` itself.
    public func request(id: UInt64, keepThrough: String, alternate: Bool = false) -> Bool {
        let taken = lock.withLock { () -> Taken in
            guard open, filed == nil, sent == nil else { return .refused }
            if pipe >= 0, let running = runningAt { return .answered(giveAtOnce(id: id, past: running, keepThrough, alternate)) }
            if pipe >= 0 {
                guard Self.send(keepThrough: keepThrough, alternate: alternate, id: id, to: pipe) else { return .refused }
                sent = id
            } else {
                filed = (id, keepThrough, alternate)
            }
            return .filed
        }
        switch taken {
        case .refused: return false
        case .filed: return true
        case .answered(let given):
            answer(id, given)
            return true
        }
    }

    private enum Taken { case refused, filed, answered([String]) }

    /// The tests a request takes while `order[running]` runs: past it and past `keepThrough`
    /// (one not in the order: nothing), every other one with `alternate` (the first of them
    /// stays, as the plugin's `_hand_back` keeps the one set up next), none this grant keeps.
    /// The process is told; one that cannot be (it is gone) gives nothing. The lock is held.
    private func giveAtOnce(id: UInt64, past running: Int, _ keepThrough: String, _ alternate: Bool) -> [String] {
        let cut = min(max(positions[keepThrough].map { $0 + 1 } ?? order.count, running + 1), order.count)
        let tail = order[cut...].filter { !kept.contains($0) && !handedBack.contains($0) }
        let given = HandBack.partition(tail, alternate: alternate).given
        guard !given.isEmpty, PytestWarmProcess.writeLine(["drop": given, "reclaim": id], to: pipe) else { return [] }
        handedBack.formUnion(given)
        return given
    }

    /// The serving loop sent `order` to the process that now runs the grant.
    func track(_ order: [String]) {
        lock.withLock {
            self.order = order
            positions = Dictionary(order.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
            runningAt = nil
        }
    }

    /// The process started `id` (nil: none runs, the grant's last test ended).
    func running(_ id: String?) {
        lock.withLock { runningAt = id.flatMap { positions[$0] } }
    }

    /// The tests given back at once so far (another worker runs them).
    var givenBack: Set<String> { lock.withLock { handedBack } }

    /// Whether `id` was given back at once (its result here is not the grant's).
    func isGivenBack(_ id: String) -> Bool { lock.withLock { handedBack.contains(id) } }

    /// The tests of `ids` this grant still runs or reports, which no reclaim takes from now on;
    /// those given back at once are left out (another worker runs them).
    func keep(_ ids: [String]) -> [String] {
        lock.withLock {
            let ours = ids.filter { !handedBack.contains($0) }
            kept.formUnion(ours)
            return ours
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
            runningAt = nil
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
