/// Leases this coordinator ended itself while their workers may still have been running them
/// (revoked: taken back, or their build ended), remembered for a while with their holders.
///
/// Results a worker sent before it heard of the end are the expected race of stopping work in
/// flight: they are still refused (nothing of them is stored), but without a log line, which
/// in a local run with a failing test otherwise told the user of a refusal after every build
/// whose first pass ended its other retries. Results for any other unknown lease are logged.
struct EndedLeases {
    /// At most this many are remembered; the oldest are forgotten first. A late batch arrives
    /// within a heartbeat or two, long before thousands of later leases have ended.
    let capacity: Int
    private var holders: [UInt64: [UInt8]] = [:]
    private var order: [UInt64] = []
    private var next = 0

    init(capacity: Int = 4096) { self.capacity = max(1, capacity) }

    /// Notes that the coordinator ended `lease`, which `worker` held.
    mutating func insert(_ lease: UInt64, worker: [UInt8]) {
        guard holders.updateValue(worker, forKey: lease) == nil else { return }
        if order.count < capacity {
            order.append(lease)
        } else {
            holders[order[next]] = nil
            order[next] = lease
            next = (next + 1) % capacity
        }
    }

    /// Whether `worker` held `lease` when the coordinator ended it.
    func ended(_ lease: UInt64, heldBy worker: [UInt8]) -> Bool { holders[lease] == worker }
}
