import Model
import Store
import Wire

/// Something the coordinator's core decided and its shell carries out, in the order decided.
/// The core never touches a socket, the store or the clock; it appends these instead.
enum CoordinatorEffect {
    /// Send a message to a peer (a worker or a client), by its routing identity.
    case send(Message, to: [UInt8])
    /// Every test of this build is final (emitted once per build): compute its verdict, store
    /// it, publish it and send it to the build's watchers. `progress` is its last progress.
    case finish(BuildState, progress: BuildProgress)
    /// The build ended without a verdict of its tests (cancelled, aborted): store how, publish a
    /// failing verdict with the infrastructure exit code, and tell its watchers.
    case end(BuildState, how: StoredBuild.Ending, reason: String, progress: BuildProgress)
    /// A running build's progress, for the service's progress handler (its watchers get it as
    /// `.send` effects of their own).
    case progress(BuildProgress)
    /// A test of this build failed every attempt, its confirmation runs included: ask the store
    /// whether the gate could still excuse it (`Store.mayExcuseFailure`) and tell the core
    /// (`CoordinatorCore.blockingAnswered`).
    case askWhetherBlocking(build: String, test: String)
    /// A line for the coordinator's log.
    case log(String)
}

/// A result batch received from a worker, waiting to be stored before it is acknowledged.
struct ReceivedBatch: Sendable {
    var from: [UInt8]
    var batch: ResultBatch
}
