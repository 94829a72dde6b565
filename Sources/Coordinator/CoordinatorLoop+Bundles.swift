import Model
import Wire

extension CoordinatorLoop {
    /// A grant of a bundled build carries the bundle's bytes the first time it goes to a worker;
    /// later grants name only its address (the worker caches it). Called for every message sent.
    func withBundle(_ message: Message, to identity: [UInt8]) -> Message {
        guard case .assign(var assign) = message, let address = assign.workspace?.bundle,
              bundlesSent[identity]?.contains(address) != true, let bytes = bundles[address] else { return message }
        bundlesSent[identity, default: []].insert(address)
        assign.workspace?.bundleData = bytes
        return .assign(assign)
    }

    /// Drops the bundles no running or admitting build needs, and the record of which worker
    /// has which.
    func forgetBundlesNoLongerNeeded() {
        let needed = Set(builds.values.filter { !$0.finished }.compactMap(\.planned.spec.bundle))
            .union(admittingBundles.values)
        for address in bundles.keys where !needed.contains(address) { bundles[address] = nil }
        for identity in bundlesSent.keys { bundlesSent[identity]?.formIntersection(needed) }
    }
}
