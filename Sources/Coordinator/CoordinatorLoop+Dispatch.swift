import Foundation
import Model
import Planning
import Store
import Wire

/// The shell's side of a build's life, where the store, the planner and the service's verdict
/// come in: admitting a build (or refusing it), resuming builds after a restart, finishing one
/// the core says is complete, and answering clients.
///
/// Nothing slow runs on the loop: planning or accepting a submitted plan and storing a new build
/// run on a thread of their own (lower priority), the verdict (the gate, the timing fold) and report rendering on `work`;
/// each posts its result back as a control, so grants and acknowledgements never wait on them.
extension CoordinatorLoop {
    /// Takes a planned build in from this process (`run --local`): stores it, queues it.
    func admit(_ planned: PlannedBuild, watcher: [UInt8]?) {
        if let existing = builds[planned.spec.id] {
            if let watcher { existing.watchers.insert(watcher) }
            return
        }
        do {
            try store.createBuild(planned.spec, testCount: planned.tests.count, owner: config.owner)
            try store.recordSuites(of: planned)
            if let selection = planned.selection { try store.recordSelection(build: planned.spec.id, selection) }
        } catch {
            reject(planned.spec.id, TestfleetError(error), watcher: watcher)
            return
        }
        start(planned, stored: [:], watcher: watcher)
    }

    func start(_ planned: PlannedBuild, stored: StoredAttempts, watcher: [UInt8]?) {
        core.start(planned, stored: stored, watcher: watcher, now: Self.now())
        carryOut()
    }

    /// A build from a `submit` client: attach to it if it exists or is being admitted; else
    /// admit it off the loop. A planned build (from `submit` in its checkout) is validated and
    /// given predictions from this coordinator's timing history; a `sim:` build is planned
    /// here. The coordinator runs no project command: a file suite without a plan is refused.
    func admitSubmitted(_ submit: Submit, client: [UInt8]) {
        let spec = submit.spec
        if let address = spec.bundle, !submit.bundleData.isEmpty, bundles[address] == nil {
            bundles[address] = submit.bundleData  // each worker checks it against its address
        }
        if let existing = builds[spec.id] {
            existing.watchers.insert(client)
            if existing.finished, let outcome = service.outcomes.withLock({ $0[spec.id] }) { sendVerdict(outcome, to: client) }
            return
        }
        if let ended = endingOutcomes[spec.id] {  // ended; the store hears it shortly
            sendVerdict(ended, to: client)
            return
        }
        if finishingWatchers[spec.id] != nil {  // its verdict is on its way
            finishingWatchers[spec.id]!.insert(client)
            return
        }
        if admitting[spec.id] != nil {
            admitting[spec.id]!.insert(client)
            return
        }
        admitting[spec.id] = [client]
        admittingBundles[spec.id] = spec.bundle
        let service = self.service
        let bundleArrived = spec.bundle.map { bundles[$0] != nil } ?? true
        // A thread each, of lower priority: a small build is not admitted after a million-test
        // plan, and planning does not take the loop's CPU on a loaded machine.
        BackgroundPriority.detach(name: "testfleet-admission") {
            service.post(Self.admission(of: submit, bundleArrived: bundleArrived, service: service))
        }
    }

    /// Off the loop: what becomes of a submitted build.
    static func admission(of submit: Submit, bundleArrived: Bool, service: CoordinatorService) -> CoordinatorService.Control {
        let spec = submit.spec
        do {
            try spec.validate()
            if let address = spec.bundle, !bundleArrived {
                throw TestfleetError.badInput("build \(spec.id) names source bundle \(address), but its bytes never arrived")
            }
            let record = try service.store.build(spec.id)
            if let record, record.isFinished {
                // A build that ended without a verdict of its tests stays ended: re-judging its
                // partial results could call a cancelled build a pass.
                if let ended = Self.endedOutcome(record) { return .answered(ended) }
                let (verdict, code) = try service.verdictProvider(spec.id)
                return .answered(BuildOutcome(build: spec.id, verdict: verdict, exitCode: code))
            }
            let planned: PlannedBuild
            if let plan = submit.plan {
                guard let accept = service.planAccepter else {
                    throw TestfleetError.badInput("this coordinator does not take planned builds")
                }
                planned = try accept(plan)
            } else if spec.isSimulated {
                planned = try service.planner(spec)
            } else {
                throw TestfleetError.badInput(
                    "build \(spec.id) came without a plan; the coordinator runs no project command, so `testfleet submit` plans in the CI checkout (use a testfleet of this version or newer)")
            }
            var stored: StoredAttempts = [:]
            if record == nil {
                try service.store.createBuild(planned.spec, testCount: planned.tests.count)
                try service.store.recordSuites(of: planned)
                if let selection = planned.selection { try service.store.recordSelection(build: spec.id, selection) }
            } else {
                stored = try storedAttempts(of: spec.id, store: service.store)  // a restarted coordinator, resubmitted
            }
            return .admit(HandOff(value: BuildState.prepared(planned, stored: stored)))
        } catch {
            return .refuse(spec.id, TestfleetError(error))
        }
    }

    /// The admission's result, back on the loop: start the build for every client that waits.
    func admitted(_ prepared: HandOff<BuildState>) {
        let id = prepared.value.id
        let clients = admitting.removeValue(forKey: id) ?? []
        admittingBundles[id] = nil
        if builds[id] == nil {
            core.start(prepared.value, watcher: clients.first, now: Self.now())
            carryOut()
        }
        for client in clients { builds[id]?.watchers.insert(client) }
    }

    /// Refuses a build: a client hears the error (bad input or infrastructure, by its code); an
    /// in-process submitter gets a failed outcome with the error's exit code.
    func reject(_ build: String, _ error: TestfleetError, watcher: [UInt8]?) {
        log("build \(build) rejected: \(error.message)")
        let clients = (admitting.removeValue(forKey: build) ?? []).union(watcher.map { [$0] } ?? [])
        admittingBundles[build] = nil
        if clients.isEmpty {
            let verdict = Verdict(build: build, commit: nil, verdict: .fail, counts: .init(), failures: [],
                                  reasons: [error.message], simulated: false, suite: "")
            service.publish(BuildOutcome(build: build, verdict: verdict, exitCode: error.code.rawValue))
        }
        for client in clients { send(.error(ErrorMessage(rejecting: error)), to: client) }
    }

    /// A build already finished when it was submitted again: its verdict, to whoever asked.
    func answered(_ outcome: BuildOutcome) {
        admittingBundles[outcome.build] = nil
        for client in admitting.removeValue(forKey: outcome.build) ?? [] { sendVerdict(outcome, to: client) }
    }

    /// All tests are final, or no worker could prepare the build (the core says so once per
    /// build): the verdict provider finishes it off the loop (judges it and stores the verdict,
    /// see `VerdictProvider`), then `finished(_:)` tells whoever waits.
    func finish(_ build: BuildState, progress: BuildProgress) {
        service.progressHandler?(progress)
        finishingWatchers[build.id, default: []].formUnion(build.watchers)
        let spec = build.planned.spec
        if let fault = build.infrastructureFault {
            log(fault)
            let verdict = Verdict(build: build.id, commit: spec.commit, verdict: .fail, counts: .init(), failures: [],
                                  reasons: [fault], simulated: spec.isSimulated, suite: spec.suite)
            return finished(BuildOutcome(build: build.id, verdict: verdict, exitCode: TestfleetError.Code.infrastructure.rawValue))
        }
        if profile.enabled { log("all results stored at \(Self.now() &- build.startedAt) ms; \(profile); "
            + "\(core.testsHandedBack) test(s) handed back since start") }
        let service = self.service, id = build.id
        work.async {
            let outcome: BuildOutcome
            do {
                let (verdict, code) = try service.verdictProvider(id)
                outcome = BuildOutcome(build: id, verdict: verdict, exitCode: code)
            } catch {
                let verdict = Verdict(build: id, commit: spec.commit, verdict: .fail, counts: .init(),
                                      failures: [], reasons: ["store error: \(error)"], simulated: spec.isSimulated,
                                      suite: spec.suite)
                outcome = BuildOutcome(build: id, verdict: verdict, exitCode: TestfleetError.Code.infrastructure.rawValue)
            }
            service.post(.finished(outcome))
        }
    }

    /// A build's outcome, back on the loop: published and sent to its watchers.
    func finished(_ outcome: BuildOutcome) {
        counters.buildsFinished[outcome.verdict.verdict.rawValue, default: 0] += 1
        if outcome.exitCode == TestfleetError.Code.infrastructure.rawValue { log("build \(outcome.build) ended: \(outcome.verdict.reasons.joined(separator: "; "))") }
        service.publish(outcome)
        let watchers = finishingWatchers.removeValue(forKey: outcome.build) ?? builds[outcome.build]?.watchers ?? []
        for client in watchers { sendVerdict(outcome, to: client) }
        forgetBundlesNoLongerNeeded()
    }

    func sendVerdict(_ outcome: BuildOutcome, to client: [UInt8]) { send(Self.verdictMessage(outcome), to: client) }

    static func verdictMessage(_ outcome: BuildOutcome) -> Message {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = (try? encoder.encode(outcome.verdict)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return .verdict(VerdictMessage(build: outcome.build, json: json, exitCode: Int(outcome.exitCode)))
    }

    /// Answers a client's request for a finished build's results as a document, rendered off
    /// the loop (a 100k-test JUnit document takes a fraction of a second); a build still running,
    /// or one this store does not have, gets an error the client reports.
    func sendReport(_ request: ReportRequest, to client: [UInt8]) {
        if let build = builds[request.build], !build.finished {
            send(.error(ErrorMessage(code: "not-finished", message: "build \(request.build) is still running")), to: client)
            return
        }
        guard let provider = service.reportProvider else {
            send(.error(ErrorMessage(code: "bad-request", message: "this coordinator does not render reports")), to: client)
            return
        }
        let service = self.service
        work.async {
            let answer: Message
            do {
                let document = try provider(request.build, request.format)
                answer = .report(Report(build: request.build, format: request.format, document: document))
            } catch {
                answer = .error(ErrorMessage(code: "bad-request", message: "\(error)"))
            }
            service.post(.reply(answer, to: client))
        }
    }

    /// The suite's previous build and its failures, from the store off the loop: `submit` asks
    /// before it plans (`PreviousBuildRequest`). Past `TestCase.neverPassedLookups` failures
    /// none is listed: planning looks none of them up (as never passed, nor as a known break)
    /// either. A store that cannot be read answers "none": the build's known breaks then go by
    /// history alone, as before.
    func sendPreviousBuild(_ request: PreviousBuildRequest, to client: [UInt8]) {
        let service = self.service
        work.async {
            var answer = PreviousBuild(suite: request.suite, build: nil, commit: nil, failures: [])
            do {
                if let previous = try service.store.previousRun(suite: request.suite) {
                    answer.build = previous.build
                    answer.commit = previous.commit
                    if previous.failures.count <= TestCase.neverPassedLookups { answer.failures = previous.failures }
                }
            } catch {
                Self.log("cannot read the previous build of \(request.suite) for a client: \(error)")
            }
            service.post(.reply(.previousBuild(answer), to: client))
        }
    }

    /// After a restart: every `sim:` build the store holds as running is planned again and
    /// continues from its stored results. Other builds were planned by their submitter, whose
    /// `submit` sends the plan again while the coordinator is silent; they continue then.
    func resumeUnfinishedBuilds() throws {
        if config.owner != nil { return try abandonDeadRunsBuilds() }
        for record in try store.unfinishedBuilds() {
            guard record.spec.isSimulated || service.planAccepter == nil else {
                log("build \(record.spec.id) continues when its submitter sends its plan again")
                continue
            }
            do {
                let planned = try service.planner(record.spec)
                let stored = try Self.storedAttempts(of: record.spec.id, store: store)
                log("resuming build \(record.spec.id): \(stored.count) of \(planned.tests.count) tests have results")
                start(planned, stored: stored, watcher: nil)
            } catch {
                log("cannot resume build \(record.spec.id): \(error)")
            }
        }
    }

    /// The last stored attempt of each test of a build, or its passing one: a pass ends a test
    /// whatever ran beside it (retries and confirmation runs go out side by side).
    static func storedAttempts(of build: String, store: Store) throws -> StoredAttempts {
        var stored: StoredAttempts = [:]
        for result in try store.results(build: build) {  // ordered by attempt within a test
            if let kept = stored[result.test], !kept.outcome.isFailure { continue }
            stored[result.test] = (result.attempt, result.outcome, result.worker)
        }
        return stored
    }
}

/// The last stored attempt of each test of a build, by test name.
typealias StoredAttempts = [String: (attempt: Int, outcome: Outcome, worker: String)]
