import Foundation
import Model
import Store
import Wire

extension CoordinatorLoop {
    /// A build the core ended without a verdict of its tests (cancelled, or aborted because no
    /// worker serves its arch): the store says how, and whoever waits gets a failing verdict
    /// with the infrastructure exit code and the reason.
    func end(_ build: BuildState, how: StoredBuild.Ending, reason: String, progress: BuildProgress) {
        let outcome = Self.endedOutcome(build.planned.spec, how: how, reason: reason)
        counters.buildsFinished[how.rawValue, default: 0] += 1
        service.progressHandler?(progress)
        // Stored off the loop, after the results already on their way to the store; until then
        // a client submitting the build again hears this outcome (the store still says running).
        endingOutcomes[build.id] = outcome
        let store = self.store, service = self.service, id = build.id, watchers = build.watchers, inbox = storeInbox
        let message = Self.verdictMessage(outcome)
        storing.async {
            Self.writeStoreInbox(inbox, store: store, service: service)
            do {
                try store.endBuild(id, how: how, reason: reason)
            } catch {
                Self.log("could not mark build \(id) \(how.rawValue) in the store: \(error)")
            }
            service.publish(outcome)
            for client in watchers { service.post(.reply(message, to: client)) }
            service.post(.endStored(id))
        }
    }
}

extension CoordinatorLoop {
    /// What a build that ended without a verdict of its tests tells its watchers: a failing
    /// verdict with the infrastructure exit code and how and why it ended.
    static func endedOutcome(_ spec: BuildSpec, how: StoredBuild.Ending, reason: String) -> BuildOutcome {
        let verdict = Verdict(build: spec.id, commit: spec.commit, verdict: .fail, counts: .init(), failures: [],
                              reasons: ["build \(how.rawValue): \(reason)"], simulated: spec.isSimulated, suite: spec.suite)
        return BuildOutcome(build: spec.id, verdict: verdict, exitCode: TestfleetError.Code.infrastructure.rawValue)
    }

    /// The outcome of a stored build that ended without a verdict of its tests; nil for others.
    static func endedOutcome(_ record: StoredBuild) -> BuildOutcome? {
        guard let how = record.ended else { return nil }
        return Self.endedOutcome(record.spec, how: how, reason: record.endedReason ?? "")
    }

    /// `run --local` resumes nothing: builds a dead local run left running (by a process of this
    /// host that no longer exists) are marked abandoned, and each says so in the log. A
    /// service's builds, and a live run's, are left to their owners.
    func abandonDeadRunsBuilds() throws {
        for record in try store.unfinishedBuilds(includeOwned: true) {
            guard let owner = record.owner, !Self.isAlive(owner: owner) else { continue }
            let reason = "left running by a local run (\(owner)) that is gone; not resumed"
            try store.endBuild(record.spec.id, how: .abandoned, reason: reason)
            log("build \(record.spec.id) abandoned: \(reason)")
        }
    }

    /// Whether an owner (`host:pid`) is a live process: one of another host is taken to be.
    static func isAlive(owner: String) -> Bool {
        guard let colon = owner.lastIndex(of: ":"), let pid = Int32(owner[owner.index(after: colon)...]) else { return true }
        guard owner[..<colon] == ProcessInfo.processInfo.hostName else { return true }
        return kill(pid, 0) == 0 || errno == EPERM
    }
}

extension CoordinatorLoop {
    /// Asks the store, on the storing queue (after the results that ended the test, and off the
    /// loop: it looks the test up in every stored build), whether the gate could excuse `test`
    /// failing every attempt of `build`. A store that cannot answer counts as "it could": the
    /// build's confirmation runs then go on, as they would without asking.
    func askWhetherBlocking(build: String, test: String) {
        let store = self.store, service = self.service, inbox = storeInbox
        storing.async {
            Self.writeStoreInbox(inbox, store: store, service: service)
            let excusable: Bool
            do {
                excusable = try store.mayExcuseFailure(of: test, in: build)
            } catch {
                Self.log("could not look up the record of \(test): \(error); build \(build) keeps its confirmation runs")
                excusable = true
            }
            service.post(.blocking(build: build, test: test, blocks: !excusable))
        }
    }
}
