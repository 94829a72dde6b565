import Foundation
import Model
import Store
import Wire

extension CoordinatorLoop {
    /// One message from a worker or a client. Bad bytes get an error reply; nothing stops the loop.
    func handle(_ payload: [UInt8], from identity: [UInt8]) {
        let message: Message?
        do {
            message = try Message.decode(payload)
        } catch {
            log("malformed message from \(core.printable(identity)): \(error)")
            send(.error(ErrorMessage(code: "bad-message", message: "\(error)")), to: identity)
            return
        }
        guard let message else { return }  // a newer peer's kind: ignored by design
        core.receive(message, from: identity, now: Self.now())
        carryOut()
        switch message {
        case .submit(let submit):
            admitSubmitted(submit, client: identity)
        case .reportRequest(let request):
            sendReport(request, to: identity)
        default:
            break
        }
    }

    /// Stores every result batch of this turn (one transaction per build); then the core
    /// acknowledges and applies them. A store failure acknowledges nothing: the workers send again.
    func flushInbox() {
        guard !core.received.isEmpty else { return }
        let batches = core.takeReceived()
        var byBuild: [String: [[TestResult]]] = [:]
        for received in batches { byBuild[received.batch.build, default: []].append(received.batch.results) }
        var failedBuilds: Set<String> = []
        for (build, results) in byBuild {
            do {
                _ = try profile.measure(\.storing) { try store.recordResults(build: build, batches: results) }
                countStored(results)
            } catch {
                log("could not store results of build \(build): \(error); the worker will resend")
                failedBuilds.insert(build)
            }
        }
        core.resultsStored(batches, failedBuilds: failedBuilds)
        carryOut()
    }
}
