import Model
import Wire

/// A slot's next grant, taken from the worker's queue while its current grant's last test ends,
/// when it is for the same warm session: the session then knows which test it runs next and
/// keeps the last test's module and class fixtures set up as far as that test shares them, as
/// a plain pytest run (or a pytest-xdist worker, which holds its last item until more come)
/// keeps them. Grants are prefetched (`GrantPolicy`), so the next one is usually here already.
///
/// Why: sphinx 8.1.3's module-scoped fixture clears its shared build results each time it is
/// made; made again in one process for the same file's next grant, the next build of a shared
/// project found nothing to do and a test that checks its warnings failed (the plain run's 11
/// failures became 12–15 with `--retries 0`).
///
/// Only the slot's own thread touches it.
final class SlotLookahead {
    /// The grant taken early; the slot runs it next.
    var taken: Assign?
    /// The warm key (`SlotPool.warmKey`, before its workspace is prepared) of the grant running now.
    var runningKey = ""
}

extension SlotPool {
    /// The first test the running grant's warm session will run next: that of the grant at the
    /// front of the queue when it is a grant of first attempts for the same session, which this
    /// slot takes now (nobody else could run it sooner: every slot is busy while grants queue).
    /// Nil when the next grant is not known, is another session's, or runs nothing warm.
    func upcomingTest(_ lookahead: SlotLookahead) -> String? {
        if lookahead.taken == nil {
            lookahead.taken = queue.withLock { list -> Assign? in
                guard let front = list.first, !Self.isRetry(front), Self.warmKey(front) == lookahead.runningKey else { return nil }
                return list.removeFirst()
            }
        }
        guard let next = lookahead.taken, Self.warmKey(next) == lookahead.runningKey else { return nil }
        return Self.firstWarmTest(of: next, forking: pytestForkServers != nil)
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
