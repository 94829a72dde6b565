import Model
import Planning
import Store

extension BuildLifecycle {
    /// Whether a suite keeps its collection order whole (`ProcessStartCost`): the newest
    /// evidence decides (the newest build against the recent one run in the most different number
    /// of processes, `Store.processWork`), and the verdict is kept for the suite
    /// (`Store.recordProcessCostVerdict`). Why kept: once a suite keeps its order, its builds run
    /// in as many processes as each other, so the evidence ages out of the recent builds; without
    /// the verdict, about one build in seven of emoji 2.14.0 sent its long tests ahead again and
    /// paid its lazily built tables in each of their processes (22–28 s against 12–14 s). A build
    /// that runs in another number of processes (a reclaim's child, a lost worker) brings new
    /// evidence, which replaces the verdict. A store that cannot answer keeps nothing in order.
    func keepsCollectionOrder(suite: String) -> Bool {
        do {
            if let work = try store.processWork(suite: suite),
               let perProcess = ProcessStartCost.perProcess(work.latest, work.earlier) {
                let keeps = ProcessStartCost.keepsOrder(work.latest, work.earlier)
                try store.recordProcessCostVerdict(suite: suite, keepsOrder: keeps, perProcessSeconds: perProcess)
                return keeps
            }
            return try store.processCostVerdict(suite: suite) ?? false
        } catch {
            return false
        }
    }
}
