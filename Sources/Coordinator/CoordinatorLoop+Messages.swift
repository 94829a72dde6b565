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
            log("malformed message from \(printable(identity)): \(error)")
            send(.error(ErrorMessage(code: "bad-message", message: "\(error)")), to: identity)
            return
        }
        guard let message else { return }  // a newer peer's kind: ignored by design
        let now = Self.now()
        if let worker = workers[identity] { worker.lastSeen = now }
        switch message {
        case .hello(let hello):
            welcome(hello, identity: identity, now: now)
        case .ready(let ready):
            guard let worker = knownWorker(identity) else { return }
            worker.capacity = ready.freeSlots
            grant(to: worker)
        case .results(let batch):
            // Stored (and acknowledged) at the end of this turn, together with the others.
            inbox.append((identity, batch))
            if workers[identity] == nil { askToSayHello(identity) }
        case .heartbeat:
            guard let worker = knownWorker(identity) else { return }
            worker.lastSeen = now
        case .goodbye(let goodbye):
            if let worker = workers[identity] { dropWorker(worker, reason: "said goodbye (\(goodbye.reason))") }
        case .submit(let submit):
            admitSubmitted(submit.spec, client: identity)
        case .reportRequest(let request):
            sendReport(request, to: identity)
        case .error(let error):
            log("peer \(printable(identity)) reported: \(error.code): \(error.message)")
        case .welcome, .assign, .ack, .progress, .verdict, .report:
            send(.error(ErrorMessage(code: "bad-message", message: "a coordinator does not accept this kind")), to: identity)
        }
    }

    func welcome(_ hello: Hello, identity: [UInt8], now: UInt64) {
        if let previous = workers[identity] {
            if hello.instance != 0 && previous.instance == hello.instance {
                // The same process thought this coordinator was gone (a slow network, a busy
                // machine): its grants are still running, so it keeps them.
                previous.lastSeen = now
                send(.welcome(Welcome(session: session, heartbeatMilliseconds: config.heartbeatMilliseconds)), to: identity)
                return
            }
            // A worker that restarted has lost its state: its leases are void.
            dropWorker(previous, reason: "said hello again")
        }
        let info = HelloInfo(worker: hello.worker, arch: hello.arch, slots: hello.slots, pid: hello.pid, instance: hello.instance)
        let worker = WorkerEntry(identity: identity, hello: info, capacity: hello.slots * config.grantsPerSlot, now: now)
        workers[identity] = worker
        send(.welcome(Welcome(session: session, heartbeatMilliseconds: config.heartbeatMilliseconds)), to: identity)
        grant(to: worker)
    }

    func knownWorker(_ identity: [UInt8]) -> WorkerEntry? {
        if let worker = workers[identity] { return worker }
        askToSayHello(identity)
        return nil
    }

    /// After a coordinator restart, workers it never met keep talking: ask them to say hello.
    func askToSayHello(_ identity: [UInt8]) {
        send(.error(ErrorMessage(code: "unknown-worker", message: "say hello first")), to: identity)
    }

    /// Stores every result batch of this turn (one transaction per build), then acknowledges and
    /// applies them. A store failure acknowledges nothing: the workers send again.
    func flushInbox() {
        guard !inbox.isEmpty else { return }
        let batches = inbox
        inbox.removeAll(keepingCapacity: true)
        var byBuild: [String: [[TestResult]]] = [:]
        for (_, batch) in batches { byBuild[batch.build, default: []].append(batch.results) }
        var failedBuilds: Set<String> = []
        for (build, results) in byBuild {
            do {
                _ = try profile.measure(\.storing) { try store.recordResults(build: build, batches: results) }
            } catch {
                log("could not store results of build \(build): \(error); the worker will resend")
                failedBuilds.insert(build)
            }
        }
        for (identity, batch) in batches where !failedBuilds.contains(batch.build) {
            send(.ack(Ack(sequence: batch.sequence)), to: identity)
            apply(batch)
        }
    }

    /// Updates the build and lease for stored results; finishes leases and builds that are done.
    func apply(_ batch: ResultBatch) {
        // Taken out of the table while it changes, so its dictionary is not copied.
        var lease = leases.removeValue(forKey: batch.lease)
        if let build = builds[batch.build], !build.finished {
            for result in batch.results {
                guard let index = build.index(of: result.test) else { continue }
                if lease?.remaining[index] == result.attempt { lease?.remaining[index] = nil }
                _ = build.apply(result, index: index)
            }
        }
        if let lease {
            if lease.remaining.isEmpty {
                leases[lease.id] = nil
                if let worker = workers[lease.worker] {
                    worker.leases.remove(lease.id)
                    grant(to: worker)
                }
            } else {
                leases[lease.id] = lease
            }
        }
        if let build = builds[batch.build], build.isComplete, !build.finished { finish(build) }
    }

    func printable(_ identity: [UInt8]) -> String {
        String(decoding: identity, as: UTF8.self).filter { !$0.isASCII || ($0.isLetter || $0.isNumber || "-_.:".contains($0)) }
    }
}
