import Foundation
import Model
import Wire

/// A slot's next grant, taken as its current grant's last test ends, when it is for the same
/// warm session: the session then knows which test it runs next and keeps the last test's
/// module and class fixtures set up as far as that test shares them, as a plain pytest run (or a
/// pytest-xdist worker, which holds its last item until more come) keeps them.
///
/// The slot says it holds the test (`Outgoing.holding`); the coordinator counts the lease as run
/// out, grants this worker's next work at once and then acknowledges, so the slot waits one
/// round trip, the one it would wait for its next grant anyway, and learns either its next
/// grant or that none came. The test's result goes out once the session has torn down what the
/// next test does not share: a module teardown that fails is still its error.
///
/// Why: sphinx 8.1.3's module-scoped fixture clears its shared build results each time it is
/// made; made again in one process for the same file's next grant, the next build of a shared
/// project found nothing to do and a test that checks its warnings failed (`--retries 0`: the
/// plain run's 11 failures became 12).
///
/// Only the slot's own thread touches it.
final class SlotLookahead {
    /// The grant taken early; the slot runs it next.
    var taken: Assign?
    /// The grant running now: its warm key (`SlotPool.warmKey`, before its workspace is
    /// prepared), lease and build.
    var running: (key: String, lease: UInt64, build: String) = ("", 0, "")
}

extension SlotPool {
    /// Longest a slot waits for the coordinator's answer to a `holding` (a lost message, a
    /// coordinator gone): the held result then goes out as if no next test were known.
    static let holdingWait = 2.0

    /// The first test the running grant's warm session will run next, once the grant's last test
    /// (`holding`, as reported) ran: that of this worker's next grant of first attempts for the
    /// same session, which this slot takes now. Nil when none comes, or the next grant is
    /// another session's or runs nothing warm.
    func upcomingTest(_ lookahead: SlotLookahead, holding test: String) -> String? {
        if lookahead.taken == nil {
            let lease = lookahead.running.lease
            holdsAnswered.withLock { _ = $0.remove(lease) }
            post(.holding(lease: lease, build: lookahead.running.build, test: test))
            let deadline = Date(timeIntervalSinceNow: Self.holdingWait)
            // Until this session's next grant is queued (then taken), another grant the slots run
            // is (this slot runs that one next), the coordinator's answer came, the pool closes,
            // or the wait is too long. Enqueuing and answering hold `available`, so nothing comes
            // between a look at the queue and the wait.
            available.lock()
            while true {
                lookahead.taken = takeIfNext(for: lookahead.running.key)
                if lookahead.taken != nil || queue.withLock({ $0.contains { !Self.isRetry($0) } })
                    || holdsAnswered.withLock({ $0.remove(lease) != nil }) || closed.withLock({ $0 })
                    || !available.wait(until: deadline) { break }
            }
            available.unlock()
        }
        return lookahead.taken.flatMap { Self.firstWarmTest(of: $0, forking: pytestForkServers != nil) }
    }

    /// The queue's first grant a slot would run (not one of retries) when it is of first attempts
    /// for the warm session `key`, taken out of the queue.
    private func takeIfNext(for key: String) -> Assign? {
        queue.withLock { list -> Assign? in
            guard let at = list.firstIndex(where: { !Self.isRetry($0) }), Self.warmKey(list[at]) == key else { return nil }
            return list.remove(at: at)
        }
    }

    func holdingAnswered(lease: UInt64) {
        available.lock()
        holdsAnswered.withLock { _ = $0.insert(lease) }
        available.broadcast()
        available.unlock()
    }

    /// The first test of `assign` that runs in a slot's warm pytest session (see `run`): its
    /// first first attempt that does not go to a fork server's child (`alone`, `fresh`), under
    /// the name the session knows.
    static func firstWarmTest(of assign: Assign, forking: Bool) -> String? {
        guard assign.suite.adapter == .pytest,
              let test = assign.tests.first(where: { $0.attempt == 1 && !(forking && ($0.alone || $0.fresh)) })
        else { return nil }
        return assign.suite.arch == .every ? PerArchName.original(of: test.name) : test.name
    }
}
