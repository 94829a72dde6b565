import Model

/// Confirmation runs end once the build cannot pass.
///
/// They exist to keep a burst of flakiness from blocking the deploy: a pass among them lets a
/// test through. Once one test has failed every attempt, confirmation runs included, and the
/// gate cannot excuse it (no quarantine, and no flaky record: it never both failed and passed
/// before), the build fails whatever the others do, and their confirmation runs are CPU the
/// build's answer waits behind (a test taking a second, run five more times). The core asks
/// the shell, which asks the store off the loop; the answer stops the build's confirmation runs
/// (`BuildState.stopConfirming`).
extension CoordinatorCore {
    /// Asks about each test of `build` that just failed its last confirmation run.
    func askAboutFailedConfirmations(of build: BuildState) {
        guard !build.failedConfirmations.isEmpty else { return }
        let failed = build.failedConfirmations  // empty once the build cannot pass (stopConfirming)
        build.failedConfirmations.removeAll()
        for index in failed { effects.append(.askWhetherBlocking(build: build.id, test: build.planned.tests[index].name)) }
    }

    /// The shell's answer: `blocks` when the gate cannot excuse `test` failing every attempt of
    /// `build` (`Store.mayExcuseFailure` said no).
    func blockingAnswered(build id: String, test: String, blocks: Bool) {
        guard let build = builds[id], !build.finished, !build.cannotPass else { return }
        guard blocks else {
            // The gate may excuse it: the confirmation runs (and retries) it held back go out now.
            let held = !build.confirmationsHeldBack().isEmpty || build.holdsRetriesPastLimit
            if let index = build.index(of: test) { build.awaitingBlockingAnswer.remove(index) }
            if held { grantAll(retryLanes: true) }
            return
        }
        let held = build.holdsRetriesPastLimit
        build.stopConfirming()
        if build.isComplete {
            finish(build)  // which revokes the leases still out
            return
        }
        // Confirmation runs under way are of tests now final: their workers stop them.
        let lastOrdinary = build.planned.spec.maxAttempts
        for lease in Array(leases.values) where lease.build == id && !lease.remaining.isEmpty
            && lease.remaining.allSatisfy({ $0.value > lastOrdinary && build.status[$0.key].final })
        {
            takeBack(lease.id, reason: "build \(id) cannot pass: its confirmation runs are dropped", shun: false)
        }
        // Held retries the build kept go out now (`dropRetriesPastLimit`), but for a first
        // build's, which wait for its first attempts (`holdsUndecidedRetries`).
        if held && !build.holdsRetries && !build.retries.isEmpty { grantAll(retryLanes: true) }
    }
}
