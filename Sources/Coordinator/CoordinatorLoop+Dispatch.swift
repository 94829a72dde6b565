import Foundation
import Model
import Planning
import Store
import Wire

/// The shell's side of a build's life, where the store, the planner and the service's verdict
/// come in: admitting a build (or refusing it), resuming builds after a restart, finishing one
/// the core says is complete, and answering clients.
extension CoordinatorLoop {
    /// Takes a planned build in: stores it (unless resumed), queues it, starts dispatching.
    func admit(_ planned: PlannedBuild, watcher: [UInt8]?) {
        if let existing = builds[planned.spec.id] {
            if let watcher { existing.watchers.insert(watcher) }
            return
        }
        do {
            try store.createBuild(planned.spec, testCount: planned.tests.count, owner: config.owner)
            if let selection = planned.selection { try store.recordSelection(build: planned.spec.id, selection) }
        } catch {
            reject(planned.spec.id, TestfleetError(error), watcher: watcher)
            return
        }
        start(planned, stored: [:], watcher: watcher)
    }

    func start(_ planned: PlannedBuild, stored: [String: (attempt: Int, outcome: Outcome, worker: String)], watcher: [UInt8]?) {
        core.start(planned, stored: stored, watcher: watcher, now: Self.now())
        carryOut()
    }

    /// A build from a `submit` client: attach to it if it exists, else plan and admit it.
    func admitSubmitted(_ spec: BuildSpec, client: [UInt8]) {
        if let existing = builds[spec.id] {
            existing.watchers.insert(client)
            if existing.finished, let outcome = service.outcomes.withLock({ $0[spec.id] }) { sendVerdict(outcome, to: client) }
            return
        }
        do {
            try spec.validate()
            if let record = try store.build(spec.id), record.isFinished {
                // A build that ended without a verdict of its tests stays ended: re-judging its
                // partial results could call a cancelled build a pass.
                if let ended = endedOutcome(record) { return sendVerdict(ended, to: client) }
                let (verdict, code) = try service.verdictProvider(spec.id)
                sendVerdict(BuildOutcome(build: spec.id, verdict: verdict, exitCode: code), to: client)
                return
            }
            admit(try service.planner(spec), watcher: client)
        } catch {
            reject(spec.id, TestfleetError(error), watcher: client)
        }
    }

    /// Refuses a build: a client hears the error (bad input or infrastructure, by its code); an
    /// in-process submitter gets a failed outcome with the error's exit code.
    func reject(_ build: String, _ error: TestfleetError, watcher: [UInt8]?) {
        log("build \(build) rejected: \(error.message)")
        if let watcher {
            send(.error(ErrorMessage(rejecting: error)), to: watcher)
        } else {
            let verdict = Verdict(build: build, commit: nil, verdict: .fail, counts: .init(), failures: [],
                                  reasons: [error.message], simulated: false, suite: "")
            service.publish(BuildOutcome(build: build, verdict: verdict, exitCode: error.code.rawValue))
        }
    }

    /// All tests are final (the core says so once per build): the verdict provider finishes the
    /// build (judges it and stores the verdict, see `VerdictProvider`); tell whoever waits.
    func finish(_ build: BuildState, progress: BuildProgress) {
        let outcome: BuildOutcome
        do {
            if profile.enabled { log("all results stored at \(Self.now() &- build.startedAt) ms; \(profile)") }
            let (verdict, code) = try service.verdictProvider(build.id)
            outcome = BuildOutcome(build: build.id, verdict: verdict, exitCode: code)
        } catch {
            log("could not finish build \(build.id): \(error)")
            let verdict = Verdict(build: build.id, commit: build.planned.spec.commit, verdict: .fail, counts: .init(),
                                  failures: [], reasons: ["store error: \(error)"], simulated: build.planned.spec.isSimulated,
                                  suite: build.planned.spec.suite)
            outcome = BuildOutcome(build: build.id, verdict: verdict, exitCode: TestfleetError.Code.infrastructure.rawValue)
        }
        service.progressHandler?(progress)
        service.publish(outcome)
        for client in build.watchers { sendVerdict(outcome, to: client) }
    }

    func sendVerdict(_ outcome: BuildOutcome, to client: [UInt8]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = (try? encoder.encode(outcome.verdict)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        send(.verdict(VerdictMessage(build: outcome.build, json: json, exitCode: Int(outcome.exitCode))), to: client)
    }

    /// Answers a client's request for a finished build's results as a document. It runs on the
    /// loop (a 100k-test JUnit document takes a fraction of a second to render); a build still
    /// running, or one this store does not have, gets an error the client reports.
    func sendReport(_ request: ReportRequest, to client: [UInt8]) {
        if let build = builds[request.build], !build.finished {
            send(.error(ErrorMessage(code: "not-finished", message: "build \(request.build) is still running")), to: client)
            return
        }
        guard let provider = service.reportProvider else {
            send(.error(ErrorMessage(code: "bad-request", message: "this coordinator does not render reports")), to: client)
            return
        }
        do {
            let document = try provider(request.build, request.format)
            send(.report(Report(build: request.build, format: request.format, document: document)), to: client)
        } catch {
            send(.error(ErrorMessage(code: "bad-request", message: "\(error)")), to: client)
        }
    }

    /// After a restart: every build the store holds as running is planned again and continues
    /// from its stored results.
    func resumeUnfinishedBuilds() throws {
        if config.owner != nil { return try abandonDeadRunsBuilds() }
        for record in try store.unfinishedBuilds() {
            do {
                let planned = try service.planner(record.spec)
                var stored: [String: (attempt: Int, outcome: Outcome, worker: String)] = [:]
                for result in try store.results(build: record.spec.id) {  // ordered by attempt within a test
                    stored[result.test] = (result.attempt, result.outcome, result.worker)
                }
                log("resuming build \(record.spec.id): \(stored.count) of \(planned.tests.count) tests have results")
                start(planned, stored: stored, watcher: nil)
            } catch {
                log("cannot resume build \(record.spec.id): \(error)")
            }
        }
    }
}
