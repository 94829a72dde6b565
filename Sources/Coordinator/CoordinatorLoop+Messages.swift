import Foundation
import Model
import Store
import Transport
import Wire

extension CoordinatorLoop {
    /// One message from a worker or a client. Bad bytes get an error reply; nothing stops the loop.
    func handle(_ payload: [UInt8], from identity: [UInt8]) {
        let started = profile.enabled ? Self.now() : 0
        defer {
            if profile.enabled, Self.now() &- started >= 20 {
                log("slow message: kind \(payload.count > 2 ? Int(payload[2]) : -1), \(payload.count) bytes, \(Self.now() &- started) ms")
            }
        }
        if payload.count >= Self.offLoopSubmitBytes, Message.isSubmit(payload) { return decodeOffLoop(payload, from: identity) }
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
        case .previousBuildRequest(let request):
            sendPreviousBuild(request, to: identity)
        default:
            break
        }
    }

    /// Submits at least this big are decoded off the loop (2.4 MB, a 100,000-test plan, take
    /// 30-90 ms to decode on a loaded machine); smaller ones in turn, so a client's submit and
    /// its cancel right after it keep their order.
    static let offLoopSubmitBytes = 64 * 1024

    /// Decodes a big submit on `decoding`; the loop takes it from there (`.submitted`).
    func decodeOffLoop(_ payload: [UInt8], from identity: [UInt8]) {
        let service = self.service
        decoding.async {
            do {
                guard case .submit(let submit)? = try Message.decode(payload) else { return }
                service.post(.submitted(submit, client: identity))
            } catch {
                Self.log("malformed submit (\(payload.count) bytes): \(error)")
                service.post(.reply(.error(ErrorMessage(code: "bad-message", message: "\(error)")), to: identity))
            }
        }
    }

    /// Hands every result batch of this turn to the store queue, off the loop: an off-loop
    /// writer (a timing fold, a snapshot refresh) may hold SQLite's write lock for a second, and
    /// grants must not wait for it. Once stored, the core acknowledges and applies them (`stored`).
    /// A store failure acknowledges nothing: the workers send again.
    ///
    /// Group commit: the batches wait in `storeInbox` up to `groupCommitMilliseconds` and are
    /// written together, one transaction per build. Tests of a millisecond send a batch of one
    /// result each, and a transaction per batch cost the store ~0.4 ms and a few 16 KiB pages
    /// of log each (jsonschema's 7,700 tests: 3,900 transactions, ~300 MB of log, checkpoints
    /// that stalled a write for a second). Grants never wait for the store. A failure does not
    /// wait: its retry is queued only once it is stored, and a failing test's chain of attempts
    /// is what a failing build's end waits for; it takes what waits with it.
    func flushInbox() {
        guard !core.received.isEmpty else { return }
        let received = core.takeReceived()
        let failure = received.contains { $0.batch.results.contains { $0.outcome.isFailure } }
        let schedule = storeInbox.withLock { inbox -> Bool in
            inbox.batches.append(contentsOf: received)
            defer { inbox.scheduled = true }
            return failure || !inbox.scheduled
        }
        guard schedule else { return }
        let store = self.store, service = self.service, inbox = storeInbox
        storing.asyncAfter(deadline: .now() + .milliseconds(failure ? 0 : Self.groupCommitMilliseconds)) {
            Self.writeStoreInbox(inbox, store: store, service: service)
        }
    }

    /// Milliseconds result batches wait for others to share their store transaction.
    static let groupCommitMilliseconds = 20

    /// Writes the batches waiting in `inbox` (on the store queue), then posts them back to the
    /// loop as stored. Every other write of the store queue calls it first, so it never writes
    /// ahead of results received before it was queued.
    static func writeStoreInbox(_ inbox: Locked<StoreInbox>, store: Store, service: CoordinatorService) {
        let batches = inbox.withLock { waiting -> [ReceivedBatch] in
            defer { waiting = StoreInbox() }
            return waiting.batches
        }
        guard !batches.isEmpty else { return }
        var byBuild: [String: [[TestResult]]] = [:]
        for received in batches { byBuild[received.batch.build, default: []].append(received.batch.results) }
        var failedBuilds: Set<String> = []
        let start = DispatchTime.now().uptimeNanoseconds
        for (build, results) in byBuild {
            do {
                try store.recordResults(build: build, batches: results)
            } catch {
                log("could not store results of build \(build): \(error); the worker will resend")
                failedBuilds.insert(build)
            }
        }
        let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        service.post(.stored(batches, failedBuilds: failedBuilds, milliseconds: milliseconds))
        // Between writes, the batch already handed back: a polled dashboard's readers would
        // otherwise keep SQLite's log from ever restarting.
        store.checkpointIfLogExceeds(logLimitBytes)
    }

    /// The write-ahead log size past which the store queue checkpoints and empties it.
    static let logLimitBytes = 64 << 20

    /// Batches the store queue wrote, back on the loop: acknowledged and applied.
    func stored(_ batches: [ReceivedBatch], failedBuilds: Set<String>, milliseconds: Double) {
        if profile.enabled { profile.storing += milliseconds }
        countStored(batches.filter { !failedBuilds.contains($0.batch.build) }.map(\.batch.results))
        core.resultsStored(batches, failedBuilds: failedBuilds)
        carryOut()
    }
}

/// Result batches waiting for the store queue's next write (see `flushInbox`).
struct StoreInbox {
    var batches: [ReceivedBatch] = []
    /// A write that will take them is queued.
    var scheduled = false
}
