import Model
import Wire
@testable import Worker

/// A coordinator link in memory: frames the test queues for the worker, frames the worker sent.
final class InMemoryTransport: WorkerTransport {
    var incoming: [[UInt8]] = []
    var sent: [[UInt8]] = []

    func send(_ bytes: [UInt8]) { sent.append(bytes) }

    func receive() -> [UInt8]? { incoming.isEmpty ? nil : incoming.removeFirst() }

    /// Queues a coordinator's message for the worker.
    func deliver(_ message: Message) { incoming.append(message.encode()) }

    /// What the worker sent since the last call, decoded.
    func takeSent() -> [Message] {
        defer { sent.removeAll() }
        return sent.compactMap { try? Message.decode($0) }
    }
}

/// Grants kept in a list; the test plays the slot threads by queueing what they would report.
final class ListRunner: GrantRunner {
    var grants: [Assign] = []
    var finished: [Outgoing] = []
    var cancelled: [UInt64] = []
    var reclaims: [Reclaim] = []

    func enqueue(_ assign: Assign) { grants.append(assign) }

    func cancel(lease: UInt64) { cancelled.append(lease) }

    func reclaim(_ reclaim: Reclaim) { reclaims.append(reclaim) }

    var holdsAnswered: [UInt64] = []

    func holdingAnswered(lease: UInt64) { holdsAnswered.append(lease) }

    func takeFinished() -> [Outgoing] {
        defer { finished.removeAll() }
        return finished
    }

    /// Every test of `assign` ran with `outcome`, then the lease ended.
    func complete(_ assign: Assign, _ outcome: Outcome, worker: String) {
        for test in assign.tests {
            let result = TestResult(test: test.name, attempt: test.attempt, outcome: outcome, duration: 0.01,
                                    worker: worker, arch: .x86_64)
            finished.append(.result(lease: assign.lease, build: assign.build, result))
        }
        finished.append(.leaseDone(assign.lease))
    }
}

extension Message {
    var isHello: Bool { if case .hello = self { true } else { false } }
    var results: ResultBatch? { if case .results(let batch) = self { batch } else { nil } }
}
