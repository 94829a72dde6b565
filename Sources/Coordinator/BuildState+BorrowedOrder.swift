import Model

/// A plain pytest run, and each pytest-xdist worker, only ever runs tests further down the
/// collection order than those it already ran, and suites rely on that without saying so:
/// pyrsistent's `vector_test.py` reloads `pyrsistent._pvector`, after which the checked types of
/// `checked_*_test.py`, collected before it, recurse in that process. A later build gives each
/// worker a contiguous run of the order as its home, and a worker whose run is done borrows the
/// unstarted tail of another's, which sorts before what its warm session ran: 19–29 of
/// pyrsistent's first attempts failed so in 4 builds of 14, passed on retry, and were recorded
/// as flaky. Such a grant goes `fresh` instead: the worker runs it in a child of its fork
/// server, a process in which no test ran.
extension BuildState {
    /// A worker (its identity) and a suite (its index in the plan).
    struct WorkerSuite: Hashable {
        var worker: [UInt8]
        var suite: Int
    }

    /// Whether the first attempts `indices` (granted together, of one suite) hold a test that
    /// sorts in its pytest suite's collection order before one this build already granted to
    /// `worker`'s sessions. When none does, the grant's last such test is noted as reached.
    /// Tests sent out of the order on purpose (long ones, the previous build's failures) count
    /// on neither side, nor do the `fresh` grants themselves: they never reach a session.
    func grantsBehindOrder(_ indices: [Int], to worker: [UInt8]) -> Bool {
        guard let first = indices.first, isPytest(planned.tests[first].suite) else { return false }
        let ordered = indices.filter(isInCollectionOrder)
        guard let lowest = ordered.min(), let highest = ordered.max() else { return false }
        let key = WorkerSuite(worker: worker, suite: planned.tests[first].suite)
        if let reached = orderReached[key], lowest < reached { return true }
        orderReached[key] = max(orderReached[key] ?? highest, highest)
        return false
    }
}
