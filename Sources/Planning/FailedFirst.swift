public import Model

/// Tests that failed every attempt of the suite's previous build go out first, each on its own
/// (as pytest's `--failed-first`, but not for a test that passed on a retry: its chain is one
/// retry, and moving it would hide the order it fails in from the order-dependence check). A
/// real break usually fails again, and then its retries and its confirmation runs follow,
/// wave after wave: started first, that chain overlaps the rest of the build
/// instead of trailing it (dateutil, three broken tests: the chain of the last one to fail was
/// the build's final seconds). It also reports the build's likely failures soonest.
///
/// Among them the cheapest goes first: its whole chain takes the least time, and once a test
/// with no flaky record has failed its confirmation runs the build cannot pass, which drops
/// the slower ones' confirmation runs (`BuildState.stopConfirming`). The cheap ones delay the
/// slow ones' first attempts by no more than they take.
///
/// Only the order changes: a test's `predicted` (what grant budgets count) stays as it was.
public enum FailedFirst {
    /// Gives each test named in `failed` a queue key above every other test's, the cheapest of
    /// them first; the tests of its file stay together without it.
    public static func prioritise(_ tests: inout [TestCase], failed: Set<String>) {
        guard !failed.isEmpty else { return }
        let top = tests.reduce(0.0) { max($0, $1.queueKey) }
        let slowest = tests.lazy.filter { failed.contains($0.name) }.map(\.predicted).max() ?? 0
        for index in tests.indices where failed.contains(tests[index].name) {
            tests[index].groupWork = top + 1 + slowest - tests[index].predicted
        }
    }
}
