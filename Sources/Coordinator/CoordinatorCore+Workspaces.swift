import Model
import Wire

extension BuildState {
    /// Where workers get this build's code (nil: they run the suites' directories as given).
    var workspace: WorkspaceSource? {
        let spec = planned.spec
        guard spec.hasWorkspace, let commit = spec.commit else { return nil }
        return WorkspaceSource(commit: commit, repository: spec.repository, bundle: spec.bundle)
    }
}

extension CoordinatorCore {
    /// A worker could not prepare a lease's workspace (its fetch or the suite's setup failed):
    /// an infrastructure fault of that worker for that build. The lease's tests go back to the
    /// queue for the other workers; once every connected worker has failed, the build ends with
    /// an infrastructure error carrying what they said (never as failed tests).
    func workspaceFault(_ batch: ResultBatch, _ fault: WorkspaceFault, from sender: [UInt8]) {
        guard let lease = leases[batch.lease], lease.build == batch.build, lease.worker == sender,
              let worker = workers[lease.worker] else { return }  // stale or forged: nothing to take back
        forget(lease)
        guard let build = builds[batch.build], !build.finished else { return grant(to: worker) }
        build.faultedWorkers[worker.id] = fault.message
        build.requeue(lease.remaining)
        effects.append(.log("worker \(worker.id) cannot run build \(build.id) (its tests go elsewhere): \(fault.message)"))
        if workers.values.allSatisfy({ build.faultedWorkers[$0.id] != nil }) {
            let said = build.faultedWorkers.sorted { $0.key < $1.key }.map { "worker \($0.key): \($0.value)" }
            build.infrastructureFault = "no worker could prepare build \(build.id):\n" + said.joined(separator: "\n")
            finish(build)
        }
        grantAll()
    }
}
